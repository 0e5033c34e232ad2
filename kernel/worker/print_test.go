package worker

import "testing"

// TestCellTypesPrintWithTheirNames: types and methods declared in earlier
// cells print under fmt as compiled Go prints them, including a method
// added in a later cell, and errors.As finds a cell's error type.
func TestCellTypesPrintWithTheirNames(t *testing.T) {
	w := newWorker(t)
	steps := []struct{ code, want string }{
		{"import (\"errors\"; \"fmt\")\ntype point struct{ x, y int }\np := point{1, 2}", ""},
		{`fmt.Sprintf("%+v %#v %T", p, p, &p)`, `"{x:1 y:2} main.point{x:1, y:2} *main.point"`},
		{`fmt.Sprint([]point{p})`, `"[{1 2}]"`},
		{"func (p point) String() string { return fmt.Sprintf(\"(%d,%d)\", p.x, p.y) }", ""},
		{`fmt.Sprint([]point{p}, map[string]point{"a": p})`, `"[(1,2)] map[a:(1,2)]"`},
		{"type notFound struct{ name string }\nfunc (e *notFound) Error() string { return e.name + \" not found\" }", ""},
		{"err := fmt.Errorf(\"lookup: %w\", &notFound{\"bob\"})\nvar nf *notFound", ""},
		{`fmt.Sprintf("%v %s %v", errors.As(err, &nf), nf.name, err)`, `"true bob lookup: bob not found"`},
		{"type vec struct{ x, y, z int }\nq := vec{1, 2, 3}", ""},
		{`fmt.Sprintf("%+v %T", q, q)`, `"{x:1 y:2 z:3} main.vec"`},
	}
	for _, s := range steps {
		got, e := run(t, w, s.code)
		if e != nil {
			t.Fatalf("%s: %s: %s", s.code, e.Name, e.Value)
		}
		if got != s.want {
			t.Errorf("%s = %s, want %s", s.code, got, s.want)
		}
	}
}

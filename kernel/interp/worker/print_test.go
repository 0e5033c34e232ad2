package worker

import "testing"

// TestCellTypesPrintWithTheirNames: types and methods declared in earlier
// cells print under fmt as compiled Go prints them, including a method
// added in a later cell, and errors.As finds a cell's error type.
func TestCellTypesPrintWithTheirNames(t *testing.T) {
	w := newWorker(t)
	steps := []step{
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
	runSteps(t, w, steps)
}

// A String method with a pointer receiver is not in a value's method set:
// Go's fmt prints the value's fields (the Go Programming Language's IntSet
// warning). The interpreter hands fmt a wrapper with the pointer's String
// for the value: golab prints the fields when it can and refuses with a
// message when yaegi kept too little of the value.
func TestPointerStringIsNotCalledForAValue(t *testing.T) {
	w := newWorker(t)
	steps := []step{
		{"import \"fmt\"\ntype set struct{ words []uint64 }\nfunc (s *set) String() string { return \"SET\" }\ns := set{[]uint64{1, 2}}", ""},
		{`fmt.Sprint(s, " ", &s)`, `"{[1 2]} SET"`},
		{`fmt.Sprintf("%+v|%v", s, &s)`, `"{words:[1 2]}|SET"`},
		{"type pair struct{ a, b int }\nfunc (p *pair) String() string { return \"PAIR\" }", ""},
		{`fmt.Sprint(pair{1, 2}, &pair{3, 4})`, `"%!v(golab: cannot print this value) PAIR"`},
	}
	runSteps(t, w, steps)
}

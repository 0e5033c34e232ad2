package cell

import (
	"strings"
	"testing"
)

func TestReplayDecls(t *testing.T) {
	known := testContext{
		isType:     func(name string) bool { return name == "Celsius" },
		resultType: func(fn string) string { return map[string]string{"newCounter": "*Counter"}[fn] },
	}
	cases := []struct {
		decls   string
		want    string // the replayed source
		zeroed  string
		skipped string
	}{
		{"var n = 10", "var n = 10", "", ""},
		{"var m = make(map[string]int)", "var m = make(map[string]int)", "", ""},
		{`var err = errors.New("x")`, `var err = errors.New("x")`, "", ""},
		{"var d = Celsius(100)", "var d = Celsius(100)", "", ""},
		{`var q = safe.NewQueue[int](8)`, `var q = safe.NewQueue[int](8)`, "", ""},
		{"var v = func() int { return <-ch }()", "var v int", "v", ""},
		{"var c = newCounter()", "var c *Counter", "c", ""},
		{"var x int = compute()", "var x int", "x", ""},
		{"var r = <-results", "", "", "var r (its initializer runs code, and its type is not written)"},
		{"var (\n\ta = 1\n\tb = mystery()\n)", "var (\n\ta = 1\n\t\n)", "", "var b (its initializer runs code, and its type is not written)"},
		{"func init() { println(1) }\nfunc f() {}", "\nfunc f() {}", "", "func init (it ran with its cell)"},
		{"func local() float64 { return 1 }\nvar y = local()", "func local() float64 { return 1 }\nvar y float64", "y", ""},
	}
	for _, c := range cases {
		r := ReplayDecls(c.decls, known)
		if r.Source != c.want || strings.Join(r.Zeroed, ",") != c.zeroed || strings.Join(r.Skipped, ",") != c.skipped {
			t.Errorf("ReplayDecls(%q)\n got %q zeroed %v skipped %v\nwant %q zeroed %q skipped %q", c.decls, r.Source, r.Zeroed, r.Skipped, c.want, c.zeroed, c.skipped)
		}
	}
}

// A cell's plain top-level variables go to the journal as var
// declarations with their first values; others stay in the notebook.
func TestTopLevelVarsInTheJournal(t *testing.T) {
	tests := []struct{ stmts, want string }{
		{"counter := 0", "var counter = 0\n"},
		{"a, b := 1, \"x\"", "var a, b = 1, \"x\"\n"},
		{"m := make(map[string]int)", "var m = make(map[string]int)\n"},
		{"x := compute()", ""},               // calls run only in the notebook
		{"fmt.Println(1)", ""},               // not a declaration
		{"f := func() int { return 1 }", ""}, // literals of functions stay in the notebook
	}
	for _, tt := range tests {
		if got := topLevelVars(tt.stmts); got != tt.want {
			t.Errorf("topLevelVars(%q) = %q, want %q", tt.stmts, got, tt.want)
		}
	}
}

package cell

import (
	"strings"
	"testing"
)

// Compile plans a cell's evaluation: its steps, in order, and what to
// refuse or note before it runs.
func TestCompileSteps(t *testing.T) {
	generic := testContext{isGenericFunc: func(name string) bool { return name == "Map" }}
	tests := []struct {
		name    string
		src     string
		ctx     Context
		declare []StepKind
		body    []StepKind
		main    bool
	}{
		{"statements and a value", "x := 1\nx + 1", nil, []StepKind{ImportStep, DeclStep}, []StepKind{StmtStep, TrailingStep}, false},
		{"declarations only", "import \"fmt\"\nfunc f() { fmt.Println() }", nil, []StepKind{ImportStep, DeclStep}, nil, false},
		{"a whole program", "package main\nfunc main() {}", nil, []StepKind{ImportStep, DeclStep}, nil, true},
		{"main declared and called", "func main() {}\nmain()", nil, []StepKind{ImportStep, DeclStep}, []StepKind{TrailingStep}, false},
		{"main declared and called before the end", "func main() {}\nmain()\nx := 1", nil, []StepKind{ImportStep, DeclStep}, []StepKind{StmtStep}, false},
		{"a definition from an earlier generic function", "a := 1\nys := Map(xs)\nb := 2", generic,
			[]StepKind{ImportStep, DeclStep}, []StepKind{StmtStep, DefineStep, StmtStep}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(tt.src, tt.ctx)
			if err != nil {
				t.Fatal(err)
			}
			steps := c.Steps(nil)
			if got := kinds(steps.Declare); !equalKinds(got, tt.declare) {
				t.Errorf("Declare = %v, want %v", got, tt.declare)
			}
			if got := kinds(steps.Body); !equalKinds(got, tt.body) {
				t.Errorf("Body = %v, want %v", got, tt.body)
			}
			if steps.CallMain != tt.main {
				t.Errorf("CallMain = %v, want %v", steps.CallMain, tt.main)
			}
		})
	}
}

// What Compile finds before anything runs: a syntax error, what golab
// refuses, and caveats (here about a type over a basic one, declared by
// an earlier cell).
func TestCompileFindings(t *testing.T) {
	if _, err := Compile("x := )", nil); err == nil {
		t.Error("Compile accepted a syntax error")
	}
	c, err := Compile("p := new(f())", nil)
	if err != nil || len(c.Unsupported) == 0 || !strings.Contains(c.Unsupported[0].What, "new with a value") {
		t.Errorf("Compile(new(f())) = %+v, %v", c, err)
	}
	earlier := testContext{isType: func(name string) bool { return name == "Celsius" }}
	c, err = Compile("var v any = 1\nswitch v.(type) {\ncase Celsius:\n}", earlier)
	if err != nil || len(c.Caveats) == 0 {
		t.Errorf("no caveat for a type switch on a type over int: %+v, %v", c, err)
	}
}

func kinds(steps []Step) []StepKind {
	var out []StepKind
	for _, s := range steps {
		out = append(out, s.Kind)
	}
	return out
}

func equalKinds(a, b []StepKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

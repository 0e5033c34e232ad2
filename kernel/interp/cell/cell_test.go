package cell

import (
	"errors"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		imports  []string // substrings Imports must contain
		decls    []string
		stmts    []string
		trailing string // trimmed Trailing
		runMain  bool
		defined  []string // kind:name
	}{
		{
			name:     "expression only",
			src:      "1 + 2",
			trailing: "1 + 2",
		},
		{
			name:    "import after statements is hoisted",
			src:     "x := 1\nimport \"fmt\"\nfmt.Println(x)",
			imports: []string{`import "fmt"`},
			stmts:   []string{"x := 1"},
			// a call is still a trailing expression; the kernel decides
			// whether it has a single value to show
			trailing: "fmt.Println(x)",
		},
		{
			name:     "functions and statements mixed",
			src:      "func f() int { return 1 }\ny := f()\nfunc g() {}\ng()\ny",
			decls:    []string{"func f() int { return 1 }", "func g() {}"},
			stmts:    []string{"y := f()", "g()"},
			defined:  []string{"func:f", "func:g"},
			trailing: "y",
		},
		{
			name:     "method versus function literal",
			src:      "type T struct{}\nfunc (t *T) M() {}\nfunc() { println(1) }()",
			decls:    []string{"func (t *T) M() {}", "type T struct{}"},
			defined:  []string{"type:T", "method:T.M"},
			trailing: "func() { println(1) }()",
		},
		{
			name:    "whole program",
			src:     "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n",
			imports: []string{`import "fmt"`},
			decls:   []string{"func __golab_main()"},
			runMain: true,
			defined: []string{"func:main"},
		},
		{
			name:    "grouped declarations",
			src:     "const (\n\ta = 1\n\tb = 2\n)\nvar c, d int\nc = a + b",
			decls:   []string{"a = 1", "var c, d int"},
			stmts:   []string{"c = a + b"},
			defined: []string{"const:a", "const:b", "var:c", "var:d"},
		},
		{
			name:    "generic function",
			src:     "func Map[T any](xs []T) []T { return xs }",
			decls:   []string{"func Map[T any]"},
			defined: []string{"func:Map"},
		},
		{
			name:  "statement with trailing non-expression",
			src:   "for i := 0; i < 3; i++ {\n}\n",
			stmts: []string{"for i := 0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Split(tt.src)
			if err != nil {
				t.Fatalf("Split: %v", err)
			}
			check := func(field, got string, want []string) {
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("%s = %q, want it to contain %q", field, got, w)
					}
				}
				if len(want) == 0 && strings.TrimSpace(got) != "" {
					t.Errorf("%s = %q, want empty", field, got)
				}
			}
			check("Imports", p.Imports, tt.imports)
			check("Decls", p.Decls, tt.decls)
			check("Stmts", p.Stmts, tt.stmts)
			if got := strings.TrimSpace(p.Trailing); got != tt.trailing {
				t.Errorf("Trailing = %q, want %q", got, tt.trailing)
			}
			if p.RunMain != tt.runMain {
				t.Errorf("RunMain = %v, want %v", p.RunMain, tt.runMain)
			}
			var defs []string
			for _, d := range p.Defined {
				defs = append(defs, string(d.Kind)+":"+d.Name)
			}
			if strings.Join(defs, ",") != strings.Join(tt.defined, ",") {
				t.Errorf("Defined = %v, want %v", defs, tt.defined)
			}
		})
	}
}

// TestPositionsArePreserved checks that every piece keeps each token at the
// byte offset it has in the cell, so the interpreter's line:column are the
// cell's.
func TestPositionsArePreserved(t *testing.T) {
	src := "x := 1\n\nfunc f() {}\n  y := x\nimport \"os\"\ny"
	p, err := Split(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, piece := range []string{p.Imports, p.Decls, p.Stmts, p.Trailing} {
		for i := 0; i < len(piece); i++ {
			if piece[i] != ' ' && piece[i] != src[i] {
				t.Fatalf("piece %q differs from the cell at offset %d", piece, i)
			}
		}
	}
	if i := strings.Index(p.Trailing, "y"); strings.Count(p.Trailing[:i], "\n") != 5 {
		t.Errorf("Trailing %q does not sit on line 6", p.Trailing)
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct {
		name       string
		src        string
		line, col  int
		msgContain string
	}{
		{"unclosed brace in statement", "x := 1\nif x > 0 {\n", 3, 2, "closing brace"},
		{"bad token", "x := 1\ny := )", 2, 6, "expected"},
		{"bad function declaration", "func f( {\n}", 1, 9, ""},
		{"unterminated string", "s := \"abc\n", 1, 6, "string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Split(tt.src)
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("Split(%q) error = %v, want an ErrorList", tt.src, err)
			}
			if list[0].Line != tt.line || list[0].Column != tt.col {
				t.Errorf("first error at %d:%d (%s), want %d:%d", list[0].Line, list[0].Column, list[0].Msg, tt.line, tt.col)
			}
			if !strings.Contains(list[0].Msg, tt.msgContain) {
				t.Errorf("message %q does not contain %q", list[0].Msg, tt.msgContain)
			}
		})
	}
}

// A var declaration whose value uses a name the cell's statements define,
// or an earlier cell's variable, runs among the statements, in its place;
// others stay declarations.
func TestVarsThatUseStatementsRunAmongThem(t *testing.T) {
	tests := []struct {
		src, decls, stmts string
	}{
		{"count := 3\nvar total = count\nvar fixed = 2", "var fixed = 2", "count := 3\nvar total = count"},
		{"n := 1\nvar a = n\nvar b = a + 1", "", "n := 1\nvar a = n\nvar b = a + 1"},
		{"var early = 1\nx := early", "var early = 1", "x := early"},
		// Parameters, field names and struct keys are not the statements' names.
		{"a := 5\ntype cfg struct{ a int }\nvar less = func(a, b int) bool { return a < b }\nvar c = cfg{a: 1}.a", "type cfg struct{ a int }\nvar less = func(a, b int) bool { return a < b }\nvar c = cfg{a: 1}.a", "a := 5"},
		// An earlier cell's variable (count, limit), which yaegi refuses
		// in a package-level initializer; not one the cell declares again.
		{"var total = count + 1", "", "var total = count + 1"},
		{"var f = func() int { return limit * 2 }()\nvar g = f", "", "var f = func() int { return limit * 2 }()\nvar g = f"},
		{"import \"fmt\"\nvar s = fmt.Sprint(len(\"ab\"), true)\nvar t []string", "var s = fmt.Sprint(len(\"ab\"), true)\nvar t []string", ""},
		{"var count = 2\nvar twice = count * 2", "var count = 2\nvar twice = count * 2", ""}, // its own count
		// Named before it: Go initializes a package var first, so it stays.
		{"var a = b + 1\nvar b = limit * 2", "var a = b + 1\nvar b = limit * 2", ""},
		{"fmt.Println(b)\nvar b = limit + 1", "var b = limit + 1", "fmt.Println(b)"},
		// A function of the cell uses it: it stays a declaration.
		{"n := 2\nvar limit = n\nfunc over(x int) bool { return x > limit }", "var limit = n\nfunc over(x int) bool { return x > limit }", "n := 2"},
	}
	earlierVariable := func(name string) bool { return name == "count" || name == "limit" }
	for _, tt := range tests {
		plan, err := SplitIn(tt.src, earlierVariable)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(strings.Fields(plan.Decls), " "); got != strings.Join(strings.Fields(tt.decls), " ") {
			t.Errorf("%q: declarations %q, want %q", tt.src, got, tt.decls)
		}
		if got := strings.Join(strings.Fields(plan.Stmts+" "+plan.Trailing), " "); got != strings.Join(strings.Fields(tt.stmts), " ") {
			t.Errorf("%q: statements %q, want %q", tt.src, got, tt.stmts)
		}
	}
}

package cell

import "testing"

func TestFindUnsupported(t *testing.T) {
	cases := []struct {
		src       string
		line, col int // 0: nothing unsupported
	}{
		{"p := new(f())", 1, 6},
		{"x := 1\nq := new(x + 1)", 2, 6},
		{"p := new(42)", 0, 0},
		{"p := new(int)", 0, 0},
		{"p := new(-1)", 0, 0},
		{"type T struct{}\np := new(T)", 0, 0},
		{"func g() *int { return new(h()) }", 0, 0},
		{"import \"log\"\nlog.SetFlags(log.Lshortfile)", 2, 14},
		{"import \"runtime\"\n_, file, line, _ := runtime.Caller(0)", 2, 21},
		{"import \"log\"\nlog.SetFlags(log.Ltime)", 0, 0},
		{"import \"fmt\"\ndefer fmt.Println(1)", 0, 0},
		{"if true {\n\tdefer f()\n}", 0, 0},
		{"func f() { defer g() }", 0, 0},
		{"type account struct{ n int }\nfunc (a *account) Balance() int { return a.n }\nfunc g() { f := (*account).Balance; _ = f }", 3, 17},
		{"func g(p *node) int { return (*p).key }", 0, 0},
		{"f := (account).Balance", 0, 0},
		{"go func() { defer g() }()", 0, 0},
		{"func main() {\n\tdefer g()\n}\nmain()", 0, 0},
		{"import \"runtime/debug\"\nfunc f() { debug.PrintStack() }", 2, 12},
		{"import \"runtime\"\nbuf := make([]byte, 4096)\nn := runtime.Stack(buf, true)", 3, 6},
		{"import \"runtime\"\nn := runtime.NumGoroutine()", 0, 0},
	}
	for _, c := range cases {
		got := FindUnsupported(c.src)
		switch {
		case c.line == 0 && len(got) > 0:
			t.Errorf("%q: refused %+v", c.src, got)
		case c.line > 0 && (len(got) != 1 || got[0].Line != c.line || got[0].Column != c.col):
			t.Errorf("%q: got %+v, want line %d column %d", c.src, got, c.line, c.col)
		}
	}
}

func TestFindCaveats(t *testing.T) {
	basic := func(name string) bool { return name == "celsius" }
	cases := []struct {
		src       string
		line, col int // 0: no caveat
	}{
		{"switch x := v.(type) {\ncase int:\n\t_ = x\ncase error:\n}", 4, 6},
		{"switch v.(type) {\ncase string, int:\n}", 0, 0},
		{"func f(v any) bool {\n\t_, ok := v.(celsius)\n\treturn ok\n}", 2, 14},
		{"switch v.(type) {\ncase celsius:\n}", 2, 6},
		{"type error2 int\nswitch v.(type) {\ncase error2:\n}", 0, 0},
		{"import \"reflect\"\nt := reflect.TypeOf(p)\nprintln(t.Name())", 2, 6},
		{"import \"log\"\nl := log.New(os.Stdout, \"\", 0)", 2, 6},
		{"import \"os\"\nf, err := os.CreateTemp(\"\", \"data-*.txt\")", 2, 11},
		{"import \"os\"\nfunc dir() string { return os.TempDir() }", 2, 28},
		{"import \"os\"\nf, err := os.Create(\"data.txt\")", 0, 0},
		{"import \"errors\"\nsame := errors.Unwrap(err) == base", 2, 9},
		{"import \"errors\"\ninner := errors.Unwrap(err)", 0, 0},
		{"import \"errors\"\nwraps := errors.Unwrap(err) != nil", 0, 0},
		{"log.Printf(\"%v\", p)", 0, 0},
		{"var p *int\n_ = *p", 2, 1},
		{"var p *int\nv := *p\n_ = v", 0, 0},
	}
	for _, c := range cases {
		got := FindCaveats(c.src, basic)
		switch {
		case c.line == 0 && len(got) > 0:
			t.Errorf("%q: caveats %+v", c.src, got)
		case c.line > 0 && (len(got) != 1 || got[0].Line != c.line || got[0].Column != c.col):
			t.Errorf("%q: got %+v, want line %d column %d", c.src, got, c.line, c.col)
		}
	}
}

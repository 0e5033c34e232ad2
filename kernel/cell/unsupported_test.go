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
		{"func g() *int { return new(h()) }", 1, 24},
		{"import \"log\"\nlog.SetFlags(log.Lshortfile)", 2, 14},
		{"import \"runtime\"\n_, file, line, _ := runtime.Caller(0)", 2, 21},
		{"import \"log\"\nlog.SetFlags(log.Ltime)", 0, 0},
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

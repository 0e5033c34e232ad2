package cell

import (
	"strings"
	"testing"
)

func TestSplitTopDefines(t *testing.T) {
	generic := func(name string) bool { return name == "Keys" || name == "Id" }
	tests := []struct {
		name    string
		stmts   string
		defines [][]string // the names of each define piece, in order
		pieces  int
	}{
		{"no generic call", "x := 1\nfmt.Println(x)", nil, 1},
		{"a notebook generic", "a := 1\nks := Keys(m)\nfmt.Println(ks)", [][]string{{"ks"}}, 3},
		{"slices and maps", "s := slices.Sorted(maps.Keys(m))", [][]string{{"s"}}, 1},
		{"max", "a, b := 1, 2\nbig := max(a, b)", [][]string{{"big"}}, 2},
		{"errors.AsType", "e, ok := errors.AsType[*E](err)", [][]string{{"e", "ok"}}, 1},
		{"an explicit instantiation", "v := Id[int](3)", [][]string{{"v"}}, 1},
		{"two, with a blank", "_, r := Id(1), Id(2)\nn := Keys(m)", [][]string{{"_", "r"}, {"n"}}, 2},
		{"inside a function literal", "f := func() []string { return Keys(m) }", nil, 1},
		{"max shadowed by the cell", "max := func(a, b int) int { return a }\nm := max(1, 2)", nil, 1},
		{"a non-generic call", "n := strings.Count(s, \"a\")\nk := len(Keys(m))", [][]string{{"k"}}, 2},
		{"an assignment, not a definition", "ks = Keys(m)", nil, 1},
		{"comma-ok receives, map lookups, type assertions", "v, ok := <-ch\nw := <-ch\nx, more := <-get(ch)\na, found := m[k]\nn, isInt := x.(int)\nb := m[k]",
			[][]string{{"v", "ok"}, {"x", "more"}, {"a", "found"}, {"n", "isInt"}}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces := SplitTopDefines(tt.stmts, generic)
			if len(pieces) != tt.pieces {
				t.Fatalf("%d pieces, want %d: %+v", len(pieces), tt.pieces, pieces)
			}
			var got [][]string
			for _, p := range pieces {
				if len(p.Source) > len(tt.stmts) {
					t.Errorf("piece %q is longer than the statements", p.Source)
				}
				if p.Define == nil {
					continue
				}
				got = append(got, p.Define.Names)
				// The statement keeps its place: the same bytes at the same offsets.
				if tt.stmts[p.Define.Start:p.Define.End] != p.Define.Text || p.Source[p.Define.Start:p.Define.End] != p.Define.Text {
					t.Errorf("define %q is not at %d:%d of the piece", p.Define.Text, p.Define.Start, p.Define.End)
				}
			}
			if strings.Join(flatten(got), ",") != strings.Join(flatten(tt.defines), ",") || len(got) != len(tt.defines) {
				t.Errorf("defines %q, want %q", got, tt.defines)
			}
		})
	}
}

func flatten(lists [][]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, strings.Join(l, " "))
	}
	return out
}

func TestSplitDeclDefines(t *testing.T) {
	generic := func(name string) bool { return name == "Id" }
	decls := "type T int\nvar q = Id(\"q\")\nvar n = 3\nvar (\n\ta = Id(1)\n\tb = 2\n)"
	rest, moved := SplitDeclDefines(decls, generic)
	if len(moved) != 1 || moved[0].Define.Text != `var q = Id("q")` || moved[0].Define.Line != 2 {
		t.Fatalf("moved %+v, want only var q on line 2 (a group that mixes kinds stays)", moved)
	}
	if len(rest) != len(decls) || strings.Contains(rest, "Id(\"q\")") || !strings.Contains(rest, "var n = 3") || !strings.Contains(rest, "a = Id(1)") {
		t.Errorf("rest %q", rest)
	}
}

func TestDefineInFunction(t *testing.T) {
	tests := []struct{ stmts, want string }{
		{"ks := Keys(m)", "__h = func() any { ks := Keys(m); return []any{&ks} }()"},
		{"x := 1\n_, r := Id(1), Id(2)", "      __h = func() any { \n_, r := Id(1), Id(2); return []any{nil, &r} }()"},
	}
	for _, tt := range tests {
		pieces := SplitTopDefines(tt.stmts, func(string) bool { return true })
		p := pieces[len(pieces)-1]
		if got := DefineInFunction(p.Source, p.Define, "__h"); got != tt.want {
			t.Errorf("DefineInFunction(%q) =\n%q, want\n%q", tt.stmts, got, tt.want)
		}
	}
}

func TestRewritesForFunctionLiterals(t *testing.T) {
	tests := []struct{ name, stmts, want string }{
		{"a top-level call of a literal is parenthesized", "func() { n = 1 }()", "(func() { n = 1 })()"},
		{"a var in a literal becomes :=", "f := func() int { var v = Id(1); return v }", "f := func() int { v := Id(1); return v }"},
		{"two names", "f := func() { var a, b = Id(1), 2; _, _ = a, b }", "f := func() { a, b := Id(1), 2; _, _ = a, b }"},
		{"a typed var stays", "f := func() { var v int = Id(1); _ = v }", "f := func() { var v int = Id(1); _ = v }"},
		{"a var group stays", "f := func() { var (v = Id(1)); _ = v }", "f := func() { var (v = Id(1)); _ = v }"},
	}
	for _, tt := range tests {
		if got := RewriteStmts(tt.stmts, withoutSafePoints).Source; got != tt.want {
			t.Errorf("%s: RewriteStmts(%q) =\n%q, want\n%q", tt.name, tt.stmts, got, tt.want)
		}
	}
	for src, want := range map[string]bool{
		"func Id(v int) int { return v }":         false,
		"func Id[T any](v T) T { return v }":      true,
		"\nfunc  Pair [K comparable, V any]() {}": true,
		"func (s Stack[T]) Push(v T) {}":          false, // a method
		"type List[T any] []T":                    false,
		"func f() []int { return nil }":           false,
	} {
		if IsGenericFunc(src) != want {
			t.Errorf("IsGenericFunc(%q) = %v", src, !want)
		}
	}
}

func TestCoreTypeParams(t *testing.T) {
	tests := []struct{ name, decl, want string }{
		{"a map", "func Keys[M ~map[K]V, K comparable, V any](m M) []K { return nil }",
			"func Keys[K comparable, V any](m map[K]V) []K { return nil }"},
		{"a slice, used in the body", "func Sum[S ~[]E, E int | float64](s S) E { var t E; var c S = s; _ = c; return t }",
			"func Sum[E int | float64](s []E) E { var t E; var c []E = s; _ = c; return t }"},
		{"a result of that type stays", "func Clone[S ~[]E, E any](s S) S { return s }",
			"func Clone[S ~[]E, E any](s S) S { return s }"},
		{"a plain constraint stays", "func Max[T cmp.Ordered](xs ...T) T { return xs[0] }",
			"func Max[T cmp.Ordered](xs ...T) T { return xs[0] }"},
		{"a field named like the parameter stays", "func F[S ~[]E, E any](s S, p struct{ S int }) int { return p.S }",
			"func F[E any](s []E, p struct{ S int }) int { return p.S }"},
	}
	for _, tt := range tests {
		if got := RewriteDecls(tt.decl, withoutSafePoints).Source; got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestCoreTypeParamsInFile(t *testing.T) {
	src := "package maps\n\nfunc Equal[M1, M2 ~map[K]V, K, V comparable](m1 M1, m2 M2) bool { return len(m1) == len(m2) }\n\nfunc Clone[M ~map[K]V, K comparable, V any](m M) M { return m }\n"
	want := "package maps\n\nfunc Equal[K, V comparable](m1 map[K]V, m2 map[K]V) bool { return len(m1) == len(m2) }\n\nfunc Clone[M ~map[K]V, K comparable, V any](m M) M { return m }\n"
	if got := CoreTypeParamsInFile(src); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

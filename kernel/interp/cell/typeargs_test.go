package cell

import "testing"

func TestExplicitTypeArgs(t *testing.T) {
	const maxDecl = "func Max[T cmp.Ordered](xs ...T) T { return xs[0] }"
	const sumDecl = "type Number interface{ ~int | ~float64 }\nfunc Sum[T Number](ch <-chan T) T { var s T; for v := range ch { s += v }; return s }"
	tests := []struct {
		name, src string
		context   []string
		want      string
	}{
		{"variadic constants", "import \"cmp\"\n" + maxDecl + "\nfmt.Println(Max(3, 9, 2), Max(\"a\", \"b\"), Max(2.5, -1.0))",
			nil, "import \"cmp\"\n" + maxDecl + "\nfmt.Println(Max[int](3, 9, 2), Max[string](\"a\", \"b\"), Max[float64](2.5, -1.0))"},
		{"declared in an earlier cell", "m := Max(1, 2)", []string{maxDecl}, "m := Max[int](1, 2)"},
		{"a channel, inside func main", sumDecl + "\nfunc main() {\n\tch := make(chan float64, 1)\n\tfmt.Println(Sum(ch))\n}",
			nil, sumDecl + "\nfunc main() {\n\tch := make(chan float64, 1)\n\tfmt.Println(Sum[float64](ch))\n}"},
		{"a cell type", "type point struct{ x int }\nfunc First[T any](xs ...T) T { return xs[0] }\np := First(point{1}, point{2})",
			nil, "type point struct{ x int }\nfunc First[T any](xs ...T) T { return xs[0] }\np := First[point](point{1}, point{2})"},
		{"an argument of unknown type stays", "m := Max(x, 2)", []string{maxDecl}, "m := Max(x, 2)"},
		{"a type of another package stays", "m := Max(d, d)", []string{maxDecl, "var d time.Duration"}, "m := Max(d, d)"},
		{"inference yaegi does itself stays", "func Id[T any](v T) T { return v }\nx := Id(3)", nil, "func Id[T any](v T) T { return v }\nx := Id(3)"},
		{"already explicit", "m := Max[int](1, 2)", []string{maxDecl}, "m := Max[int](1, 2)"},
		{"no generics at all", "x := 1\nfmt.Println(x)", nil, "x := 1\nfmt.Println(x)"},
		{"a function argument, declared in an earlier cell", "ys := Map([]int{1}, func(x int) float64 { return float64(x) })",
			[]string{"func Map[T, U any](xs []T, f func(T) U) []U { return nil }"},
			"ys := Map[int, float64]([]int{1}, func(x int) float64 { return float64(x) })"},
	}
	for _, tt := range tests {
		plan, err := Split(tt.src)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := ExplicitTypeArgs(tt.src, plan, tt.context); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

package cell

import (
	"fmt"
	"testing"
)

// BenchmarkRewriteRange measures what go/types costs the rewriter: a cell
// whose range expression the syntax does not show (a call) is
// type-checked with the earlier cells' declarations, here 100 functions
// and 100 variables; a range over a literal is not.
func BenchmarkRewriteRange(b *testing.B) {
	var decls []string
	for i := range 100 {
		decls = append(decls, fmt.Sprintf("func f%d(x int) int { return x * %d }", i, i), fmt.Sprintf("var v%d []string", i))
	}
	context := func() TypeContext { return TypeContext{Imports: []string{`"fmt"`}, Decls: decls} }
	cases := []struct{ name, src string }{
		{"range over a literal", "total := 0\nfor _, x := range []int{1, 2, 3} {\n\ttotal += x\n}"},
		{"range over a call (type-checked)", "total := 0\nfor _, x := range items() {\n\ttotal += x\n}"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				RewriteStmts(c.src, Earlier{Context: context})
			}
		})
	}
}

package stdsyms

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"
)

// Every symbol has a signature, and each signature's parameters and result
// are the compiled function's: the rewriter must not type a call wrong.
func TestSignaturesMatchTheFunctions(t *testing.T) {
	for key, syms := range Symbols() {
		pkg := map[string]string{"strings/strings": "strings", "bytes/bytes": "bytes"}[key]
		file, err := parser.ParseFile(token.NewFileSet(), pkg+".go", Signatures[pkg], 0)
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		decls := map[string]*ast.FuncDecl{}
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				decls[fd.Name.Name] = fd
			}
		}
		for name, v := range syms {
			fd, ok := decls[name]
			if !ok {
				t.Errorf("%s.%s has no signature", pkg, name)
				continue
			}
			ft := v.Type()
			params := 0
			for _, f := range fd.Type.Params.List {
				params += len(f.Names)
			}
			if ft.Kind() != reflect.Func || ft.NumIn() != params || ft.NumOut() != 1 || ft.Out(0).Kind() != reflect.Func {
				t.Errorf("%s.%s: compiled %v, signature with %d parameters", pkg, name, ft, params)
			}
		}
		if len(decls) != len(syms) {
			t.Errorf("%s: %d signatures for %d symbols", pkg, len(decls), len(syms))
		}
	}
}

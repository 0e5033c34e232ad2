// Package helpers gives the kernel the documentation of golab's helper
// packages (golab/race, golab/timeline, …), embedded in the golab binary,
// so that inspect (Shift+Tab in JupyterLab) shows a helper's doc comment
// on a learner's machine that has neither the Go toolchain nor golab's
// source.
package helpers

import (
	"bytes"
	"embed"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"sort"
	"strings"
)

//go:embed */*.go
var sources embed.FS

// Doc returns the documentation of name — a function, type, method
// ("Type.Method"), variable or constant — in the helper package pkg (as
// cells import it: "race" for "golab/race"), or "" if there is none.
func Doc(pkg, name string) string {
	p, fset := parse(pkg)
	if p == nil {
		return ""
	}
	typeName, method, isMethod := strings.Cut(name, ".")
	for _, t := range p.Types {
		if isMethod && t.Name == typeName {
			for _, m := range t.Methods {
				if m.Name == method {
					return describe(fset, m.Decl, m.Doc)
				}
			}
			return ""
		}
		if t.Name == name {
			text := describe(fset, t.Decl, t.Doc)
			var methods []string
			for _, m := range t.Methods {
				methods = append(methods, m.Name)
			}
			if len(methods) > 0 {
				text += "\nMethods: " + strings.Join(methods, ", ") + "\n"
			}
			return text
		}
		for _, f := range t.Funcs { // constructors, such as NewModel
			if f.Name == name {
				return describe(fset, f.Decl, f.Doc)
			}
		}
		if text := findValue(fset, name, t.Consts, t.Vars); text != "" { // typed constants
			return text
		}
	}
	for _, f := range p.Funcs {
		if f.Name == name {
			return describe(fset, f.Decl, f.Doc)
		}
	}
	return findValue(fset, name, p.Consts, p.Vars)
}

// findValue describes the constant or variable declaration naming name.
func findValue(fset *token.FileSet, name string, groups ...[]*doc.Value) string {
	for _, group := range groups {
		for _, v := range group {
			for _, n := range v.Names {
				if n == name {
					return describe(fset, v.Decl, v.Doc)
				}
			}
		}
	}
	return ""
}

// Packages returns the helper packages whose documentation is embedded.
func Packages() []string {
	entries, _ := sources.ReadDir(".")
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "symbols" {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// parse reads a helper package's embedded sources, without tests.
func parse(pkg string) (*doc.Package, *token.FileSet) {
	if pkg == "" || pkg == "symbols" || strings.ContainsAny(pkg, "./") {
		return nil, nil
	}
	entries, err := sources.ReadDir(pkg)
	if err != nil {
		return nil, nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		src, err := sources.ReadFile(path.Join(pkg, e.Name()))
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), src, parser.ParseComments)
		if err != nil {
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, nil
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/golab-notebooks/golab/runtime/"+pkg)
	if err != nil {
		return nil, nil
	}
	return p, fset
}

// describe prints a declaration without its body, then its doc comment.
func describe(fset *token.FileSet, decl ast.Decl, comment string) string {
	if f, ok := decl.(*ast.FuncDecl); ok {
		copied := *f
		copied.Body, copied.Doc = nil, nil
		decl = &copied
	}
	if g, ok := decl.(*ast.GenDecl); ok {
		copied := *g
		copied.Doc = nil
		decl = &copied
	}
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, decl); err != nil {
		return comment
	}
	return fmt.Sprintf("%s\n\n%s", b.String(), comment)
}

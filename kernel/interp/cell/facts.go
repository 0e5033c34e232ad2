package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Facts the worker needs about pieces of source it keeps (earlier cells'
// declarations, a whole program, a %race cell's statements): asked here,
// so that parsing Go stays in this package.

// FuncResultType returns the result type of a function declaration (one
// Definition's Source), as source text, or "" when it has not exactly one
// result.
func FuncResultType(decl string) string {
	file, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+decl, 0)
	if err != nil || len(file.Decls) != 1 {
		return ""
	}
	fd, ok := file.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Type.Results == nil || len(fd.Type.Results.List) != 1 || len(fd.Type.Results.List[0].Names) > 1 {
		return ""
	}
	t := fd.Type.Results.List[0].Type
	src := "package p;" + decl
	return src[t.Pos()-1 : t.End()-1]
}

// ConstIsInt reports whether a constant declaration gives name an integer
// value: an integer literal or an integer type.
func ConstIsInt(decl, name string) bool {
	file, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+decl, 0)
	if err != nil {
		return false
	}
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, id := range vs.Names {
			if id.Name != name {
				continue
			}
			if t, ok := vs.Type.(*ast.Ident); ok {
				found = isIntType(t)
			} else if i < len(vs.Values) {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				found = ok && lit.Kind == token.INT
			}
		}
		return false
	})
	return found
}

// IsWholeProgram reports whether a cell is a complete Go program: a file
// of package main that declares func main.
func IsWholeProgram(src string) bool {
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.SkipObjectResolution)
	if err != nil || file.Name.Name != "main" {
		return false
	}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

// DeclaredNames lists the variables main's body declares at its top level,
// so the program can use each once (Go rejects unused variables; a cell
// keeps them for later cells).
func DeclaredNames(stmts string) []string {
	file, err := parser.ParseFile(token.NewFileSet(), "", "package p;func _(){"+stmts+"\n}", 0)
	if err != nil {
		return nil
	}
	var names []string
	for _, st := range file.Decls[0].(*ast.FuncDecl).Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						names = append(names, id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, s := range g.Specs {
					for _, id := range s.(*ast.ValueSpec).Names {
						if id.Name != "_" {
							names = append(names, id.Name)
						}
					}
				}
			}
		}
	}
	return names
}

// IsCall reports whether an expression is a call (whose value a compiled
// program may leave unused).
func IsCall(expr string) bool {
	e, err := parser.ParseExpr(strings.TrimSpace(expr))
	if err != nil {
		return false
	}
	_, isCall := e.(*ast.CallExpr)
	return isCall
}

// CheckExpr returns why expr is not a Go expression, or nil.
func CheckExpr(expr string) error {
	_, err := parser.ParseExpr(expr)
	return err
}

// ParsesAsDecls reports whether src parses as a file's declarations
// (the interpreter runs such a source as "package main;" + src, and a
// statement list inside a function otherwise).
func ParsesAsDecls(src string) bool {
	_, err := parser.ParseFile(token.NewFileSet(), "", "package main;"+src, 0)
	return err == nil
}

package cell

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"slices"
	"strings"
)

// Where a cell's var declarations run. Declarations run before the cell's
// statements, as package variables, which Go initializes first; Split
// moves among the statements the vars that could not run there (see
// varsAfterStatements), and the top-level-var pass (topvar.go) makes them
// statements yaegi runs as Go does.

// varsAfterStatements moves to the statements the var declarations whose
// values use a name the cell's statements define (`count := 0` … `var
// total = count`): declarations run before the statements, and the
// interpreter then said "constant definition loop" or "undefined". It
// moves too the ones whose values use an earlier cell's variable (`var
// total = count` with count from an earlier cell, as isVariable says),
// which yaegi v0.16.1 refuses in a package-level initializer ("variable
// definition loop"), unless the cell declares that name again. In the
// statements they run in their place, as in a function body; a var that
// the cell's functions use, or that anything before it names, stays a
// declaration.
func varsAfterStatements(src string, imports, decls, stmts []segment, isVariable func(string) bool) ([]segment, []segment) {
	hasVar := false
	for _, d := range decls {
		hasVar = hasVar || strings.HasPrefix(strings.TrimSpace(src[d.start:d.end]), "var")
	}
	if !hasVar {
		return decls, stmts // the common case: no parse
	}
	own := map[string]bool{}
	if len(stmts) > 0 {
		_, list, err := parseStmts(token.NewFileSet(), mask(src, append([]segment(nil), stmts...)))
		if err != nil {
			return decls, stmts // Split reports it
		}
		own = topLevelNames(list)
	}
	// Names the cell itself declares or imports: not an earlier cell's.
	known := map[string]bool{}
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, "decls.go", "package p;"+mask(src, decls), 0); err == nil {
		for name := range f.Scope.Objects {
			known[name] = true
		}
	}
	if f, err := parser.ParseFile(fset, "imports.go", "package p;"+mask(src, imports), parser.ImportsOnly); err == nil {
		for _, imp := range f.Imports {
			name := path.Base(strings.Trim(imp.Path.Value, "\"`"))
			if imp.Name != nil {
				name = imp.Name.Name
			}
			known[name] = true
		}
	}
	earlier := func(uses map[string]bool) bool {
		for n := range uses {
			if !known[n] && isVariable != nil && isVariable(n) {
				return true
			}
		}
		return false
	}
	// Names the cell's functions and methods use: a var they use must stay
	// a declaration, or they would be compiled before it exists.
	usedByFuncs := map[string]bool{}
	for _, d := range decls {
		if text := strings.TrimSpace(src[d.start:d.end]); strings.HasPrefix(text, "func") {
			fset := token.NewFileSet()
			if f, err := parser.ParseFile(fset, "func.go", "package p;"+text, 0); err == nil {
				for _, u := range unresolved(fset, f, 0) {
					usedByFuncs[u.Name] = true
				}
			}
		}
	}
	for moved := true; moved; {
		moved = false
		keep := decls[:0:0]
		for _, d := range decls {
			if names, uses := varUses(src[d.start:d.end]); names != nil && (usesAny(uses, own) || earlier(uses)) && !anyIn(names, usedByFuncs) && !mentionedBefore(src, d.start, names) {
				stmts = append(stmts, segment{kind: segStmt, start: d.start, end: d.end})
				for _, n := range names {
					own[n] = true
				}
				moved = true
				continue
			}
			keep = append(keep, d)
		}
		decls = keep
	}
	return decls, stmts
}

// mentionedBefore reports whether one of the names occurs as an
// identifier in the cell before offset end: a var used there must stay a
// declaration, which Go initializes before anything runs (moved among the
// statements, it would be read before its value is set).
func mentionedBefore(src string, end int, names []string) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, end), []byte(src[:end]), nil, 0)
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return false
		}
		if tok == token.IDENT && lit != "_" && slices.Contains(names, lit) {
			return true
		}
	}
}

// varUses parses a var declaration and returns the names it declares and
// the free names its values use; nil names when it is no var declaration.
func varUses(text string) (names []string, uses map[string]bool) {
	if !strings.HasPrefix(strings.TrimSpace(text), "var") {
		return nil, nil
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "var.go", "package p;"+text, 0)
	if err != nil || len(file.Decls) != 1 {
		return nil, nil
	}
	gd, ok := file.Decls[0].(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return nil, nil
	}
	for _, spec := range gd.Specs {
		for _, n := range spec.(*ast.ValueSpec).Names {
			names = append(names, n.Name)
		}
	}
	uses = map[string]bool{}
	free := map[*ast.Ident]bool{}
	for _, id := range file.Unresolved {
		free[id] = true
	}
	for _, spec := range gd.Specs {
		for _, v := range spec.(*ast.ValueSpec).Values {
			ast.Inspect(v, func(n ast.Node) bool {
				if lit, ok := n.(*ast.CompositeLit); ok {
					for _, e := range lit.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							if key, ok := kv.Key.(*ast.Ident); ok {
								delete(free, key) // a field's name
							}
						}
					}
				}
				if id, ok := n.(*ast.Ident); ok && free[id] && id.Name != "_" {
					uses[id.Name] = true
				}
				return true
			})
		}
	}
	for _, n := range names {
		delete(uses, n)
	}
	return names, uses
}

func anyIn(names []string, set map[string]bool) bool {
	for _, n := range names {
		if set[n] {
			return true
		}
	}
	return false
}

func usesAny(uses, names map[string]bool) bool {
	for n := range uses {
		if names[n] {
			return true
		}
	}
	return false
}

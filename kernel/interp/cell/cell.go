// Package cell turns the Go source of one notebook cell into the pieces the
// interpreter can evaluate.
//
// A learner writes a cell the way they think: imports, functions, types and
// statements in any order, maybe a whole program with package main and func
// main, maybe a bare expression at the end whose value they want to see.
// yaegi rejects most of those mixtures, so Split parses the cell with
// go/parser first and returns a Plan: the imports, the declarations and the
// statements as separate sources, each padded so that every line and column
// the interpreter reports is the line and column in the cell.
package cell

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Plan is a cell split into the pieces to evaluate, in this order: Imports,
// Decls, Stmts, then Trailing (whose value is displayed), then a call of
// main if RunMain is set.
//
// Every non-empty source is the cell with everything but its own piece
// blanked out (newlines kept), so positions in it are positions in the cell.
type Plan struct {
	Imports  string // import declarations
	Decls    string // type, const, var and func declarations
	Stmts    string // statements, without the trailing expression
	Trailing string // a final expression statement whose value is shown, or ""
	// RunMain is set when the cell declares func main: the kernel calls it
	// after the declarations, once. In Decls, main is renamed MainFunc,
	// because yaegi would otherwise run main after every later cell.
	RunMain bool

	// Defined lists what the cell declares at top level, in source order.
	Defined []Definition
	// ImportPaths lists the import paths, in source order.
	ImportPaths []string
	// ImportSpecs lists the imports one by one, in source order.
	ImportSpecs []Import
	// Free lists the identifiers the cell uses but does not declare
	// itself: they must come from an earlier cell, an import or the
	// universe (int, len, nil, …). The kernel reports the others as
	// undefined, which yaegi cannot be relied on to do.
	Free []Ident
}

// Ident is a use of an identifier at a cell position.
type Ident struct {
	Name         string
	Line, Column int
}

// Import is one import of a cell.
type Import struct {
	Name string // the alias, or "" for the package's own name
	Path string
	Line int
}

// Source returns the import as a declaration on its own line of the cell.
func (i Import) Source() string {
	name := ""
	if i.Name != "" {
		name = i.Name + " "
	}
	return strings.Repeat("\n", max(i.Line-1, 0)) + "import " + name + strconv.Quote(i.Path)
}

// DeclsWithout returns Decls with the given definitions blanked out, for
// re-running a cell whose unchanged types and methods must not be declared
// again. Grouped declarations are kept or dropped whole.
func (p *Plan) DeclsWithout(skip []Definition) string {
	if len(skip) == 0 {
		return p.Decls
	}
	out := []byte(p.Decls)
	for _, d := range skip {
		for i := d.Start; i < d.End && i < len(out); i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	return strings.TrimRight(string(out), " \t\n")
}

// MainFunc is the name func main gets in Plan.Decls.
const MainFunc = "__golab_main"

// renameMain renames a declared func main to MainFunc in decls.
func renameMain(fset *token.FileSet, file *ast.File, decls string, prefixLen int) string {
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Name.Name != "main" {
			continue
		}
		at := fset.Position(fd.Name.Pos()).Offset - prefixLen
		if at >= 0 && at+4 <= len(decls) {
			return decls[:at] + MainFunc + decls[at+4:]
		}
	}
	return decls
}

// stmtsPrefix makes a cell's statements a function body go/parser takes;
// positions in the file are len(stmtsPrefix) bytes past the statements'.
const stmtsPrefix = "package p;func _(){"

// parseStmts parses a cell's statements (cell text, the rest blanked) as
// the body of a function, and returns the file and the statements.
func parseStmts(fset *token.FileSet, stmts string) (*ast.File, []ast.Stmt, error) {
	file, err := parser.ParseFile(fset, "cell.go", stmtsPrefix+stmts+"\n}", 0)
	if err != nil {
		return nil, nil, err
	}
	return file, file.Decls[0].(*ast.FuncDecl).Body.List, nil
}

// CallsMain reports whether statements (a Plan's Stmts and Trailing) call
// the notebook's main function themselves: a cell that declares func main
// and calls it must not have it run a second time.
func CallsMain(stmts string) bool {
	if strings.TrimSpace(stmts) == "" || !strings.Contains(stmts, "main(") {
		return false
	}
	file, _, err := parseStmts(token.NewFileSet(), stmts)
	if err != nil {
		return false
	}
	return contains(file, false, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := call.Fun.(*ast.Ident)
		return ok && id.Name == "main" && id.Obj == nil
	})
}

// Kind says what sort of name a Definition introduces.
type Kind string

// The kinds of top-level definition a cell can make.
const (
	Func   Kind = "func"
	Method Kind = "method"
	Type   Kind = "type"
	Var    Kind = "var"
	Const  Kind = "const"
)

// Definition is one top-level name a cell declares, with the exact source
// text that declares it (for methods, Name is "Receiver.Method").
type Definition struct {
	Kind   Kind
	Name   string
	Source string
	Line   int // line in the cell where the declaration starts
	// Start and End are the declaration's byte offsets in the cell.
	Start, End int
	// Uses lists the identifiers the declaration refers to; the kernel uses
	// it to find the functions that must be re-evaluated when one they call
	// is redefined.
	Uses []string
	// CallsItself is set for a function whose body names it: the usual
	// cause of a stack overflow.
	CallsItself bool
}

// Error is a syntax error at a position in the cell.
type Error struct {
	Line, Column int
	Msg          string
}

// Error formats the error with its cell position.
func (e *Error) Error() string {
	return fmt.Sprintf("cell line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// ErrorList is every syntax error found in a cell, first one first.
type ErrorList []*Error

// Error lists every error, one a line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// segmentKind classifies a top-level run of tokens.
type segmentKind int

const (
	segStmt segmentKind = iota
	segImport
	segDecl
	segPackage
)

type segment struct {
	kind       segmentKind
	start, end int // byte offsets in the cell
}

// Split parses a cell and plans its evaluation. Syntax errors come back as
// an ErrorList whose positions are cell lines and columns.
func Split(src string) (*Plan, error) { return SplitIn(src, nil) }

// SplitIn is Split in a notebook whose earlier cells declared the
// package-level variables for which isVariable says so (nil: none): a var
// declaration whose value uses one runs among the statements, where the
// interpreter allows it (see varsAfterStatements).
func SplitIn(src string, isVariable func(name string) bool) (*Plan, error) {
	segs, err := segments(src)
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	var imports, decls, stmts []segment
	for _, s := range segs {
		switch s.kind {
		case segPackage:
			plan.RunMain = true // decided finally below: only if main is declared
		case segImport:
			imports = append(imports, s)
		case segDecl:
			decls = append(decls, s)
		case segStmt:
			stmts = append(stmts, s)
		}
	}
	plan.Imports = mask(src, imports)
	decls, stmts = varsAfterStatements(src, imports, decls, stmts, isVariable)
	plan.Decls = mask(src, decls)

	fset := token.NewFileSet()
	const filePrefix = "package p;"
	if !blank(plan.Imports) {
		file, err := parser.ParseFile(fset, "cell.go", filePrefix+plan.Imports, parser.ImportsOnly)
		if err != nil {
			return nil, cellErrors(err, len(filePrefix))
		}
		for _, imp := range file.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				path = strings.Trim(imp.Path.Value, "\"`")
			}
			plan.ImportPaths = append(plan.ImportPaths, path)
			spec := Import{Path: path, Line: fset.Position(imp.Pos()).Line}
			if imp.Name != nil {
				spec.Name = imp.Name.Name
			}
			plan.ImportSpecs = append(plan.ImportSpecs, spec)
		}
	}
	if !blank(plan.Decls) {
		file, err := parser.ParseFile(fset, "cell.go", filePrefix+plan.Decls, 0)
		if err != nil {
			return nil, cellErrors(err, len(filePrefix))
		}
		plan.Defined = definitions(fset, file, src, len(filePrefix))
		plan.Decls = renameMain(fset, file, plan.Decls, len(filePrefix))
		plan.Free = append(plan.Free, unresolved(fset, file, len(filePrefix))...)
	}
	for _, d := range plan.Defined {
		if d.Kind == Func && d.Name == "main" {
			plan.RunMain = true
		}
	}

	var own map[string]bool // names the cell's statements declare at top level
	if len(stmts) > 0 {
		file, list, err := parseStmts(fset, mask(src, stmts))
		if err != nil {
			return nil, cellErrors(err, len(stmtsPrefix))
		}
		plan.Free = append(plan.Free, unresolved(fset, file, len(stmtsPrefix))...)
		own = topLevelNames(list)
		if n := len(list); n > 0 {
			if es, ok := list[n-1].(*ast.ExprStmt); ok {
				start := fset.Position(es.Pos()).Offset - len(stmtsPrefix)
				end := fset.Position(es.End()).Offset - len(stmtsPrefix)
				plan.Trailing = mask(src, []segment{{start: start, end: end}})
				stmts = cut(stmts, start, end)
			}
		}
		plan.Stmts = mask(src, stmts)
	}
	plan.Free = removeOwn(plan, own)
	return plan, nil
}

// unresolved lists the identifiers go/parser could not resolve in a file,
// except keys of composite literals (field names) and the blank identifier.
func unresolved(fset *token.FileSet, file *ast.File, prefixLen int) []Ident {
	keys := map[*ast.Ident]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		if lit, ok := n.(*ast.CompositeLit); ok {
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						keys[id] = true
					}
				}
			}
		}
		return true
	})
	var out []Ident
	for _, id := range file.Unresolved {
		if keys[id] || id.Name == "_" {
			continue
		}
		pos := fset.Position(id.Pos())
		col := pos.Column
		if pos.Line == 1 {
			col -= prefixLen
		}
		out = append(out, Ident{Name: id.Name, Line: pos.Line, Column: col})
	}
	return out
}

// topLevelNames lists the names declared by top-level statements (x := …,
// var x …), which are globals for the rest of the cell.
func topLevelNames(list []ast.Stmt) map[string]bool {
	names := map[string]bool{}
	for _, st := range list {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, e := range st.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok {
				for _, spec := range gd.Specs {
					switch sp := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							names[n.Name] = true
						}
					case *ast.TypeSpec:
						names[sp.Name.Name] = true
					}
				}
			}
		}
	}
	return names
}

// removeOwn drops from plan.Free the names the cell itself declares.
func removeOwn(plan *Plan, own map[string]bool) []Ident {
	declared := map[string]bool{}
	for n := range own {
		declared[n] = true
	}
	for _, d := range plan.Defined {
		declared[d.Name] = true
	}
	var out []Ident
	for _, id := range plan.Free {
		if !declared[id.Name] {
			out = append(out, id)
		}
	}
	return out
}

// Empty reports whether the plan has nothing to evaluate.
func (p *Plan) Empty() bool {
	return blank(p.Imports) && blank(p.Decls) && blank(p.Stmts) && blank(p.Trailing) && !p.RunMain
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// cut removes the byte range [start, end) from the statement segments.
func cut(segs []segment, start, end int) []segment {
	var out []segment
	for _, s := range segs {
		if s.end <= start || s.start >= end {
			out = append(out, s)
			continue
		}
		if s.start < start {
			out = append(out, segment{kind: s.kind, start: s.start, end: start})
		}
		if s.end > end {
			out = append(out, segment{kind: s.kind, start: end, end: s.end})
		}
	}
	return out
}

// mask returns src with every byte outside the segments replaced by a
// space, newlines kept, so offsets, lines and columns are unchanged.
// Trailing blank lines are dropped.
func mask(src string, segs []segment) string {
	if len(segs) == 0 {
		return ""
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].start < segs[j].start })
	b := []byte(src)
	out := make([]byte, len(b))
	for i, c := range b {
		if c == '\n' {
			out[i] = '\n'
		} else {
			out[i] = ' '
		}
	}
	for _, s := range segs {
		copy(out[s.start:s.end], b[s.start:s.end])
	}
	return strings.TrimRight(string(out), " \t\n")
}

// segments scans the cell and cuts it into top-level runs of tokens: an
// import, a declaration, a package clause, or a statement.
func segments(src string) ([]segment, error) {
	type tok struct {
		pos int
		tok token.Token
		lit string
	}
	var toks []tok
	var errs ErrorList
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var sc scanner.Scanner
	sc.Init(file, []byte(src), func(pos token.Position, msg string) {
		errs = append(errs, &Error{Line: pos.Line, Column: pos.Column, Msg: msg})
	}, 0)
	for {
		pos, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{pos: file.Offset(pos), tok: t, lit: lit})
	}
	if len(errs) > 0 {
		return nil, errs
	}

	var segs []segment
	depth := 0
	startTok := -1
	inHeader := false // in the header of a for, if or switch: its semicolons are its own
	flush := func(endTok int) {
		if startTok < 0 {
			return
		}
		first := toks[startTok]
		last := toks[endTok]
		end := min(last.pos+tokenLen(last.tok, last.lit), len(src))
		kinds := make([]token.Token, 0, endTok-startTok+1)
		for _, t := range toks[startTok : endTok+1] {
			kinds = append(kinds, t.tok)
		}
		segs = append(segs, segment{kind: classify(kinds), start: first.pos, end: end})
		startTok = -1
	}
	for i, t := range toks {
		if t.tok == token.SEMICOLON && t.lit == "\n" && depth == 0 {
			// Automatic semicolon: ends the segment, not part of it.
			if startTok >= 0 {
				flush(i - 1)
			}
			continue
		}
		if startTok < 0 {
			if t.tok == token.SEMICOLON {
				continue
			}
			startTok = i
			inHeader = t.tok == token.FOR || t.tok == token.IF || t.tok == token.SWITCH
		}
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			if t.tok == token.LBRACE && depth == 0 {
				inHeader = false
			}
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if depth > 0 {
				depth--
			}
		case token.SEMICOLON:
			if depth == 0 && !inHeader {
				flush(i)
			}
		}
	}
	if startTok >= 0 {
		flush(len(toks) - 1)
	}
	return segs, nil
}

// classify decides what a top-level run of tokens is from its first tokens.
func classify(run []token.Token) segmentKind {
	at := func(i int) token.Token { return run[i] }
	switch run[0] {
	case token.PACKAGE:
		return segPackage
	case token.IMPORT:
		return segImport
	case token.TYPE, token.CONST, token.VAR:
		return segDecl
	case token.FUNC:
		n := len(run)
		if n > 1 && at(1) == token.IDENT {
			return segDecl // func Name(...)
		}
		if n > 1 && at(1) == token.LPAREN {
			// func (r T) Name(...) is a method; func(...) {...}() is a statement.
			depth := 0
			for i := 1; i < n; i++ {
				switch at(i) {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
					if depth == 0 {
						if i+2 < n && at(i+1) == token.IDENT && (at(i+2) == token.LPAREN || at(i+2) == token.LBRACK) {
							return segDecl
						}
						return segStmt
					}
				}
			}
		}
	}
	return segStmt
}

func tokenLen(t token.Token, lit string) int {
	if lit != "" {
		return len(lit)
	}
	return len(t.String())
}

// cellErrors converts go/parser errors on a prefixed source into cell errors.
func cellErrors(err error, prefixLen int) error {
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		return fmt.Errorf("parse cell: %w", err)
	}
	var out ErrorList
	for _, e := range list {
		line, col := e.Pos.Line, e.Pos.Column
		if line == 1 {
			col -= prefixLen
			if col < 1 {
				col = 1
			}
		}
		msg := e.Msg
		if strings.Contains(msg, "expected '}', found 'EOF'") {
			msg = "missing closing brace '}'"
		}
		out = append(out, &Error{Line: line, Column: col, Msg: msg})
	}
	return out
}

// definitions lists the top-level names a parsed file of declarations defines.
func definitions(fset *token.FileSet, file *ast.File, cellSrc string, prefixLen int) []Definition {
	// at makes a Definition of the source of a declaration node.
	at := func(n ast.Node, kind Kind, name string, uses ast.Node) Definition {
		start := fset.Position(n.Pos()).Offset - prefixLen
		end := fset.Position(n.End()).Offset - prefixLen
		if start < 0 || end > len(cellSrc) || start > end {
			start, end = 0, 0
		}
		return Definition{Kind: kind, Name: name, Source: cellSrc[start:end], Line: fset.Position(n.Pos()).Line,
			Start: start, End: end, Uses: identifiers(uses)}
	}
	var defs []Definition
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			def := at(d, Func, d.Name.Name, d)
			if d.Recv != nil && len(d.Recv.List) > 0 {
				def.Kind = Method
				def.Name = receiverName(d.Recv.List[0].Type) + "." + d.Name.Name
			} else if d.Body != nil {
				def.CallsItself = slices.Contains(identifiers(d.Body), d.Name.Name)
			}
			defs = append(defs, def)
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					defs = append(defs, at(d, Type, s.Name.Name, s))
				case *ast.ValueSpec:
					kind := Var
					if d.Tok == token.CONST {
						kind = Const
					}
					for _, n := range s.Names {
						defs = append(defs, at(d, kind, n.Name, s))
					}
				}
			}
		}
	}
	return defs
}

func receiverName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr:
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return "?"
}

// identifiers returns the distinct identifiers used inside a node.
func identifiers(n ast.Node) []string {
	seen := map[string]bool{}
	var out []string
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && !seen[id.Name] {
			seen[id.Name] = true
			out = append(out, id.Name)
		}
		return true
	})
	return out
}

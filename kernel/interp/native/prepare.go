package native

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	goscanner "go/scanner"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// Refusal is why a cell's functions cannot be compiled, at a cell line.
type Refusal struct {
	Line, Column int // 0 when the reason is the whole cell's
	Reason       string
}

func (r *Refusal) Error() string {
	if r.Line == 0 {
		return r.Reason
	}
	return fmt.Sprintf("cell line %d: %s", r.Line, r.Reason)
}

// AllowedPackages are the standard packages compiled functions may
// import: computation with no input, output, time or goroutines, so that a
// compiled function does what its interpreted version would, only faster.
var AllowedPackages = []string{
	"bytes", "cmp", "errors", "fmt", "hash/crc32", "hash/fnv", "maps", "math", "math/big", "math/bits",
	"math/cmplx", "math/rand", "math/rand/v2", "regexp", "slices", "sort", "strconv", "strings",
	"unicode", "unicode/utf16", "unicode/utf8",
}

// printing lists what an allowed package exports that writes to the
// notebook: its output would bypass golab's streams.
var printing = map[string]bool{"fmt.Print": true, "fmt.Printf": true, "fmt.Println": true}

// plainTypes are the predeclared types a compiled function's parameters
// and results may use: values the interpreter and compiled code share as
// they are.
var plainTypes = map[string]bool{
	"bool": true, "string": true, "byte": true, "rune": true, "error": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true,
}

// Prepare checks that a %compile cell qualifies and writes the plugin's
// source for it. The error is a *Refusal saying why it does not qualify,
// or a syntax error at cell lines.
func Prepare(src string) (*Unit, error) {
	src = strings.ReplaceAll(src, "\r", "")
	lines := strings.Split(src, "\n")
	magicLine := -1
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if f := strings.Fields(l); f[0] != Magic || len(f) > 1 {
			return nil, &Refusal{Line: i + 1, Reason: Magic + " must be the cell's first line, alone"}
		}
		magicLine = i
		break
	}
	if magicLine < 0 {
		return nil, &Refusal{Reason: "the cell has no " + Magic + " line"}
	}
	// The file the parser and the compiler see: the cell, line for line,
	// with the package clause where the magic was.
	lines = append([]string(nil), lines...)
	for i := 0; i < magicLine; i++ {
		lines[i] = ""
	}
	lines[magicLine] = "package main"
	file := strings.Join(lines, "\n")

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell", file, parser.ParseComments)
	if err != nil {
		var list goscanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			return nil, &Refusal{Line: list[0].Pos.Line, Column: list[0].Pos.Column, Reason: "syntax error: " + list[0].Msg}
		}
		return nil, fmt.Errorf("parse the cell: %w", err)
	}
	q := qualifier{fset: fset, packages: map[string]string{}, own: map[string]bool{}}
	if r := q.check(f); r != nil {
		return nil, r
	}
	u := &Unit{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			u.Funcs = append(u.Funcs, describe(fset, file, d))
		case *ast.GenDecl:
			if d.Tok == token.CONST {
				u.Consts = append(u.Consts, Const{Line: fset.Position(d.Pos()).Line, Source: file[fset.Position(d.Pos()).Offset:fset.Position(d.End()).Offset]})
			}
		}
	}
	u.Source = pluginSource(fset, f, file, magicLine, u.Funcs)
	u.Hash = hashOf(u.Source)
	return u, nil
}

// qualifier checks one %compile cell.
type qualifier struct {
	fset     *token.FileSet
	packages map[string]string // name in the cell → import path
	own      map[string]bool   // the cell's own functions and constants
}

func (q *qualifier) refuse(n ast.Node, format string, args ...any) *Refusal {
	p := q.fset.Position(n.Pos())
	return &Refusal{Line: p.Line, Column: p.Column, Reason: fmt.Sprintf(format, args...)}
}

// check returns why the file's declarations do not qualify, or nil.
func (q *qualifier) check(f *ast.File) *Refusal {
	funcs := 0
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			switch d.Tok {
			case token.IMPORT:
				for _, s := range d.Specs {
					if r := q.addImport(s.(*ast.ImportSpec)); r != nil {
						return r
					}
				}
			case token.CONST:
				for _, s := range d.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						q.own[n.Name] = true
					}
				}
			case token.VAR:
				return q.refuse(d, "a package variable: %s compiles functions and constants only (a variable is state, which stays in the interpreter; pass it as an argument)", Magic)
			case token.TYPE:
				return q.refuse(d, "a type declaration: %s compiles functions of basic types, strings, slices, maps and arrays only (compiled and interpreted code cannot share a type the cell declares)", Magic)
			}
		case *ast.FuncDecl:
			funcs++
			q.own[d.Name.Name] = true
		}
	}
	if funcs == 0 {
		return &Refusal{Reason: Magic + " compiles a cell of functions, and this cell declares none"}
	}
	var reserved *ast.Ident
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && reserved == nil && strings.HasPrefix(strings.ToLower(id.Name), "golab") {
			reserved = id
		}
		return reserved == nil
	})
	if reserved != nil {
		return q.refuse(reserved, "%s: in a %s cell, names that start with golab are golab's own (it adds them to the compiled code); choose another name", reserved.Name, Magic)
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if r := q.checkFunc(fd); r != nil {
			return r
		}
	}
	for _, id := range f.Unresolved {
		if q.packages[id.Name] != "" || q.own[id.Name] {
			continue
		}
		if obj := types.Universe.Lookup(id.Name); obj != nil {
			if id.Name == "print" || id.Name == "println" {
				return q.refuse(id, "%s prints: compiled functions return their results, and the interpreted cell that calls them prints", id.Name)
			}
			continue
		}
		return q.refuse(id, "%s is not declared in this cell: compiled functions can use only their own cell's functions and constants, and the standard packages they import (if %s is a function of an earlier cell, put it in this cell too)", id.Name, id.Name)
	}
	return nil
}

// addImport checks one import of the cell.
func (q *qualifier) addImport(s *ast.ImportSpec) *Refusal {
	path, _ := strconv.Unquote(s.Path.Value)
	i := sort.SearchStrings(AllowedPackages, path)
	if i == len(AllowedPackages) || AllowedPackages[i] != path {
		return q.refuse(s, "import %q: compiled functions may import only packages that compute (%s), so that they run as the interpreter would run them", path, strings.Join(AllowedPackages, ", "))
	}
	name := path[strings.LastIndex(path, "/")+1:]
	if path == "math/rand/v2" {
		name = "rand"
	}
	if s.Name != nil {
		if s.Name.Name == "_" || s.Name.Name == "." {
			return q.refuse(s, "import %s %q: name the package, or leave its own name", s.Name.Name, path)
		}
		name = s.Name.Name
	}
	q.packages[name] = path
	return nil
}

// checkFunc checks one function's signature and body.
func (q *qualifier) checkFunc(fd *ast.FuncDecl) *Refusal {
	name := fd.Name.Name
	switch {
	case fd.Recv != nil:
		return q.refuse(fd, "method %s: %s compiles plain functions (a method belongs to a type, which stays in the interpreter)", name, Magic)
	case fd.Type.TypeParams != nil:
		return q.refuse(fd, "func %s is generic: %s compiles functions of given types (write it for the types you call it with)", name, Magic)
	case name == "main" || name == "init" || name == "_":
		return q.refuse(fd, "func %s: %s compiles functions that later cells call; %s is not one", name, Magic, name)
	case fd.Body == nil:
		return q.refuse(fd, "func %s has no body", name)
	}
	for _, list := range []*ast.FieldList{fd.Type.Params, fd.Type.Results} {
		if list == nil {
			continue
		}
		for _, field := range list.List {
			if !q.plainType(field.Type) {
				return q.refuse(field, "func %s takes or returns %s: compiled functions share with the interpreter only basic types, strings, and slices, arrays and maps of them", name, q.text(field.Type))
			}
		}
	}
	for _, field := range fd.Type.Params.List {
		if mentionsError(field.Type) {
			// An error the interpreter made is a value of the
			// interpreter's own type inside: %T, a type switch or
			// errors.As in compiled code would not see the cell's type.
			return q.refuse(field, "func %s takes %s: an error made by interpreted code cannot be inspected by compiled code (it may return one)", name, q.text(field.Type))
		}
	}
	var refusal *Refusal
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if refusal != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.GoStmt:
			refusal = q.refuse(n, "a go statement in func %s: goroutines stay interpreted, where golab shows races, deadlocks and leaks; compile the work each goroutine does instead", name)
		case *ast.SendStmt, *ast.SelectStmt, *ast.ChanType:
			refusal = q.refuse(n, "a channel in func %s: channels stay interpreted, where golab watches them; compile the work around them instead", name)
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				refusal = q.refuse(n, "a channel receive in func %s: channels stay interpreted, where golab watches them; compile the work around them instead", name)
			}
		case *ast.SelectorExpr:
			if pkg, ok := n.X.(*ast.Ident); ok && q.packages[pkg.Name] != "" {
				if printing[q.packages[pkg.Name]+"."+n.Sel.Name] {
					refusal = q.refuse(n, "%s.%s in func %s prints: compiled functions return their results (fmt.Sprint builds a string), and the interpreted cell that calls them prints", pkg.Name, n.Sel.Name, name)
				}
			}
		}
		return true
	})
	return refusal
}

// mentionsError reports whether a type expression names error.
func mentionsError(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == "error" {
			found = true
		}
		return !found
	})
	return found
}

// plainType reports whether a parameter or result type is one compiled
// and interpreted code share as it is.
func (q *qualifier) plainType(e ast.Expr) bool {
	switch t := e.(type) {
	case *ast.Ident:
		return plainTypes[t.Name]
	case *ast.ParenExpr:
		return q.plainType(t.X)
	case *ast.Ellipsis:
		return q.plainType(t.Elt)
	case *ast.ArrayType:
		return q.plainType(t.Elt)
	case *ast.MapType:
		return q.plainType(t.Key) && q.plainType(t.Value)
	}
	return false
}

func (q *qualifier) text(e ast.Expr) string { return types.ExprString(e) }

// describe returns what the interpreted wrapper needs of a function: its
// signature with named parameters, and how to pass them on.
func describe(fset *token.FileSet, file string, fd *ast.FuncDecl) Func {
	typeText := func(e ast.Expr) string {
		return file[fset.Position(e.Pos()).Offset:fset.Position(e.End()).Offset]
	}
	var params, args []string
	for _, field := range fd.Type.Params.List {
		n := max(len(field.Names), 1)
		for range n {
			p := "p" + strconv.Itoa(len(params))
			params = append(params, p+" "+typeText(field.Type))
			if _, ok := field.Type.(*ast.Ellipsis); ok {
				p += "..."
			}
			args = append(args, p)
		}
	}
	var results []string
	if fd.Type.Results != nil {
		for _, field := range fd.Type.Results.List {
			for range max(len(field.Names), 1) {
				results = append(results, typeText(field.Type))
			}
		}
	}
	sig := "(" + strings.Join(params, ", ") + ")"
	switch len(results) {
	case 0:
	case 1:
		sig += " " + results[0]
	default:
		sig += " (" + strings.Join(results, ", ") + ")"
	}
	return Func{
		Name:      fd.Name.Name,
		Line:      fset.Position(fd.Pos()).Line,
		Signature: sig,
		Call:      "(" + strings.Join(args, ", ") + ")",
		Results:   len(results) > 0,
	}
}

// stopCheck is the safe point compiled code tests at each function's entry
// and each loop body's start: an interrupt sets GolabStop, and
// GolabUnwind (the worker's stop.Unwind) unwinds the goroutine as the
// interpreter's safe points do. An atomic load is one instruction here.
const stopCheck = "if GolabStop.Load() { GolabUnwind() }; "

// pluginBindings are what the worker sets and reads in a plugin: the stop
// flag and the unwinding (see stopCheck), and the account of a panic:
// golabTrace, deferred by each function the worker calls, reads the cell
// lines of the compiled frames of a panic that goes through it, hands
// them to the worker (GolabPanicked) and panics on with the same value.
const pluginBindings = `var GolabStop golab_atomic.Bool
var GolabUnwind = func() { panic("interrupted") }
var GolabPanicked = func(v any, funcs []string, lines []int) {}

func golabTrace() {
	r := recover()
	if r == nil {
		return
	}
	pcs := make([]uintptr, 64)
	frames := golab_runtime.CallersFrames(pcs[:golab_runtime.Callers(2, pcs)])
	var funcs []string
	var lines []int
	for {
		f, more := frames.Next()
		if f.File == "cell" {
			funcs, lines = append(funcs, f.Function), append(lines, f.Line)
		}
		if !more {
			break
		}
	}
	GolabPanicked(r, funcs, lines)
	panic(r)
}
`

// pluginSource writes the plugin's main.go: a //line directive so that
// positions are cell lines, the cell's lines with a stop check after each
// function body's and loop body's opening brace (on the same line), and
// the table of functions the worker looks up.
func pluginSource(fset *token.FileSet, f *ast.File, file string, magicLine int, funcs []Func) string {
	var at []token.Pos // the opening braces
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			at = append(at, n.Body.Lbrace)
		case *ast.FuncLit:
			at = append(at, n.Body.Lbrace)
		case *ast.ForStmt:
			at = append(at, n.Body.Lbrace)
		case *ast.RangeStmt:
			at = append(at, n.Body.Lbrace)
		case *ast.LabeledStmt:
			at = append(at, n.Colon) // a goto's loop turns here
		}
		return true
	})
	sort.Slice(at, func(i, j int) bool { return at[i] > at[j] })
	for _, brace := range at {
		// A /*line*/ comment after the check gives what follows the
		// brace (or a label's colon) its own column back, for the
		// compiler's messages.
		p := fset.Position(brace)
		file = file[:p.Offset+1] + stopCheck + fmt.Sprintf("/*line cell:%d:%d*/", p.Line, p.Column+1) + file[p.Offset+1:]
	}
	lines := strings.SplitN(file, "\n", magicLine+2)
	lines[magicLine] = `package main; import (golab_atomic "sync/atomic"; golab_runtime "runtime")`
	var b strings.Builder
	b.WriteString("//line cell:1:1\n")
	b.WriteString(strings.Join(lines, "\n"))
	// What golab adds is named apart, so that the compiler's messages
	// about it (a function declared twice) are told from the cell's.
	b.WriteString("\n//line golab-generated:1\n")
	b.WriteString(pluginBindings)
	b.WriteString("var GolabFuncs = map[string]any{\n")
	for _, fn := range funcs {
		ret := ""
		if fn.Results {
			ret = "return "
		}
		fmt.Fprintf(&b, "\t%q: func%s { defer golabTrace(); %s%s%s },\n", Exported(fn.Name), fn.Signature, ret, fn.Name, fn.Call)
	}
	b.WriteString("}\n")
	return b.String()
}

package worker

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/goprint"
	cellsync "github.com/golab-notebooks/golab/kernel/interp/sync"
)

// What the rewriter and the checks learn from the worker about earlier cells:
// declarations, types, and which names are wait groups or integers.

// updateTypes tells the printer about the types and methods declared so
// far, if plan declares any.
func (w *Worker) updateTypes(plan *cell.Plan) {
	declares := false
	for _, d := range plan.Defined {
		declares = declares || d.Kind == cell.Type || d.Kind == cell.Method
	}
	if !declares {
		return
	}
	var decls []goprint.Declaration
	for _, d := range w.defs.all() {
		if d.Kind == cell.Type || d.Kind == cell.Method {
			decls = append(decls, goprint.Declaration{Source: d.Source, Name: d.Name})
		}
	}
	sort.Slice(decls, func(i, j int) bool { return decls[i].Name < decls[j].Name })
	if err := w.types.Update(decls, w.interp.Eval); err != nil {
		w.noteOnce("types: "+err.Error(), "golab: "+err.Error()+"; values of these types may print with the interpreter's names.\n")
	}
}

// rewriteDecls and rewriteStmts rewrite a source for the interpreter (see
// kernel/interp/cell), and say so if two of the rewrites overlapped: the source
// then runs without one of them, maybe differently from Go.
func (w *Worker) rewriteDecls(src string) string {
	return w.rewritten(cell.RewriteDecls(src, w.context()))
}

func (w *Worker) rewriteStmts(src string) string {
	return w.rewritten(cell.RewriteStmts(src, w.context()))
}

func (w *Worker) rewritten(r cell.Rewritten) string {
	w.refused = nil
	if len(r.Unsupported) > 0 {
		w.refused = &r.Unsupported[0] // eval refuses the piece with it
	}
	for _, c := range r.Conflicts {
		w.noteOnce("rewrite conflict: "+c.String(), fmt.Sprintf("golab: %s; the code there may run differently "+
			"from Go. Please report it with the cell (golab's rewrites for the interpreter are in kernel/interp/cell).\n", c))
	}
	return r.Source
}

// context is what kernel/interp/cell asks of the notebook so far (cell.Context).
func (w *Worker) context() cell.Context { return notebook{w} }

// notebook answers kernel/interp/cell's questions about the cells run so far,
// from the recorded declarations and the interpreter's globals.
type notebook struct{ w *Worker }

func (n notebook) IsInt(name string) bool       { return n.w.isInt(name) }
func (n notebook) IsWaitGroup(name string) bool { return n.w.isWaitGroup(name) }
func (n notebook) IsMethod(name string) bool    { return n.w.defs.hasMethod(name) }
func (n notebook) Declarations() []string       { return n.w.declarationSources() }

func (n notebook) TypeDecl(name string) string {
	if d, ok := n.w.defs.typ(name); ok {
		return d.Source
	}
	return ""
}
func (n notebook) IsGenericFunc(name string) bool { return n.w.isGenericFunc(name) }
func (n notebook) ResultType(fn string) string    { return n.w.resultType(fn) }
func (n notebook) Sources() cell.Sources          { return n.w.sources() }

func (n notebook) LockSite(line int, fn, call string) int {
	return cellsync.NumberSite(line, fn, call)
}

func (n notebook) PassOff(name string) bool { return n.w.passesOff[name] }

// DeclaresValue implements cell.Context.
func (n notebook) DeclaresValue(name string) bool {
	_, ok := n.w.defs.value(name)
	return ok
}

func (n notebook) IsVariable(name string) bool {
	_, ok := n.w.globals()[name]
	return ok
}

// sources returns what go/types needs to know of the earlier cells:
// their imports and declarations, and `var name T` for each variable whose
// type can be written (goprint.TypeSource), from its value: a cell's
// statements may have defined a declared variable again, with another
// type (`var s []string`, then `s := "…"`).
func (w *Worker) sources() cell.Sources {
	var out []string
	for _, d := range w.defs.all() {
		if d.Kind != cell.Var {
			out = append(out, d.Source)
		}
	}
	var names []string
	globals := w.globals()
	for name := range globals {
		if d, declared := w.defs.value(name); (!declared || d.Kind == cell.Var) && !strings.HasPrefix(name, "__golab") && name != "_" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	seen := map[string]bool{}
	for _, name := range names {
		v := globals[name]
		if !v.IsValid() {
			continue
		}
		t := v.Type()
		if t.Kind() == reflect.Pointer { // yaegi keeps globals addressable
			t = t.Elem()
		}
		if src, ok := w.types.TypeSource(t); ok {
			out = append(out, "var "+name+" "+src)
		} else if d, ok := w.defs.value(name); ok && !seen[d.Source] {
			seen[d.Source] = true
			out = append(out, d.Source) // its declaration, as the cell wrote it
		} else if decl, ok := w.defs.definesOf(name); ok && !seen[decl] {
			seen[decl] = true
			out = append(out, decl) // var lst = List[int]{}
		}
	}
	return cell.Sources{Imports: w.defs.importLines(), Decls: out}
}

// isWaitGroup reports whether a global is a sync.WaitGroup or a pointer
// to one.
func (w *Worker) isWaitGroup(name string) bool {
	v, ok := w.globals()[name]
	if !ok || !v.IsValid() {
		return false
	}
	t := v.Type()
	for t.Kind() == reflect.Pointer { // yaegi keeps globals addressable
		t = t.Elem()
	}
	return t == reflect.TypeOf(sync.WaitGroup{})
}

// isInt reports whether an earlier cell defined name as an integer variable
// or constant; the cell rewriter asks, to recognise range over an integer.
func (w *Worker) isInt(name string) bool {
	if d, ok := w.defs.value(name); ok && d.Kind == cell.Const {
		return cell.ConstIsInt(d.Source, name)
	}
	v, ok := w.globals()[name]
	if !ok || !v.IsValid() {
		return false
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer { // yaegi keeps globals addressable
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

package worker

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// The evaluation of a cell's steps (cell.Compiled.Steps): its imports and
// declarations, then its body, including the top-level definitions from
// generic calls that run inside a function literal.

// declare evaluates one of a cell's import and declaration steps. After
// the declarations, it records them: the printer learns the cell's types,
// golab/proc children its journal entry, and functions that call one the
// cell changed are evaluated again.
func (w *Worker) declare(step cell.Step, plan *cell.Plan, src string) *protocol.Error {
	switch step.Kind {
	case cell.ImportStep:
		return w.importAll(plan, src)
	case cell.DeclStep:
		if e := w.eval(w.rewriteDecls(step.Source), src); e != nil {
			return e
		}
		changed := w.record(plan)
		w.updateTypes(plan)
		w.children.record(replayCell(cell.ReplaySource(plan)))
		return w.rebindCallers(changed, src)
	case cell.DefineStep:
		return w.defineFromFunction(step.Piece, src)
	}
	return &protocol.Error{Name: "internal error", Value: fmt.Sprintf("step %d among a cell's declarations", step.Kind)}
}

// runBody evaluates a cell's statements and trailing expression, and
// returns the trailing expression's value shown. A return among the
// statements ends the body there, without error: the rest of them, and
// the trailing expression, do not run (the deferred calls do, after).
func (w *Worker) runBody(body []cell.Step, src string) (result string, e *protocol.Error) {
	for _, step := range body {
		switch step.Kind {
		case cell.StmtStep:
			if e = w.eval(w.rewriteStmts(step.Source), src); e == nil {
				w.defs.ran(step.Source)
			}
		case cell.DefineStep:
			if e = w.defineFromFunction(step.Piece, src); e == nil {
				w.defs.ran(step.Piece.Source)
			}
		case cell.TrailingStep:
			// The last statement is part of the cell's body: the deferred
			// calls run after it, as after the end of a main function.
			result, e = w.evalTrailing(step.Source, src)
		}
		if e == errReturned {
			return "", nil
		}
		if e != nil {
			return "", e
		}
	}
	return result, nil
}

// definedHolder is the interpreter global through which a top-level
// definition run inside a function hands its variables over.
const definedHolder = "__golab_defined"

// isGenericFunc reports whether a notebook function is generic.
func (w *Worker) isGenericFunc(name string) bool {
	d, ok := w.defs.value(name)
	return ok && d.Kind == cell.Func && cell.IsGenericFunc(d.Source)
}

// defineFromFunction runs one top-level definition inside a function
// literal, then declares its variables at the top level with the static
// types the function saw, and gives them its values.
func (w *Worker) defineFromFunction(p cell.StmtPiece, src string) *protocol.Error {
	d := p.Define
	if e := w.eval("var "+definedHolder+" any", src); e != nil {
		return e
	}
	run := cell.DefineInFunction(p.Source, d, definedHolder)
	if e := w.eval(w.rewriteStmts(run), src); e != nil {
		return e
	}
	held, err := w.interp.Eval(definedHolder)
	if err != nil {
		return w.describe(err, src)
	}
	for held.Kind() == reflect.Interface {
		held = held.Elem()
	}
	if held.Kind() != reflect.Slice || held.Len() != len(d.Names) {
		return w.cannotDefine(d, src, "", fmt.Sprintf("the interpreter handed back %v", held.Kind()))
	}
	var decls, assigns []string
	var static map[string]string // go/types' types of the names, when needed
	for i, name := range d.Names {
		if name == "_" {
			continue
		}
		ptr := held.Index(i)
		for ptr.Kind() == reflect.Interface {
			ptr = ptr.Elem()
		}
		if ptr.Kind() != reflect.Pointer {
			return w.cannotDefine(d, src, name, "the interpreter handed back no pointer to it")
		}
		typ, ok := w.types.TypeSource(ptr.Type().Elem())
		if !ok {
			// A cell type shares the interpreter's type (type Weekday
			// int): the statement's static type tells which it is.
			if static == nil {
				static = cell.StaticTypes(d.Text, d.Names, w.sources())
			}
			st, found := static[name]
			if !found {
				return w.cannotDefine(d, src, name, "its type is "+typ+" to the interpreter, which does not tell which type of the cells it is")
			}
			typ = st
		}
		decls = append(decls, fmt.Sprintf("var %s %s", name, typ))
		assigns = append(assigns, fmt.Sprintf("%s = *%s.([]any)[%d].(*%s)", name, definedHolder, i, typ))
	}
	if len(decls) > 0 {
		if _, err := w.try(strings.Join(decls, "\n")); err != nil {
			return w.cannotDefine(d, src, d.Names[0], fmt.Sprintf("declaring it as %q failed: %v", decls[0], err))
		}
	}
	assigns = append(assigns, definedHolder+" = nil")
	if _, err := w.try(strings.Join(assigns, "\n")); err != nil {
		return w.cannotDefine(d, src, d.Names[0], fmt.Sprintf("assigning it failed: %v", err))
	}
	return nil
}

// cannotDefine explains a top-level definition from a generic call that
// golab could not carry out; the statement itself has run.
func (w *Worker) cannotDefine(d *cell.TopDefine, src, name, why string) *protocol.Error {
	what := "its variables"
	if name != "" {
		what = "`" + name + "`"
	}
	value := fmt.Sprintf("line %d: golab cannot keep %s for later cells: the interpreter (yaegi) cannot define a variable "+
		"at the top of a cell from a generic function's value, so golab ran the statement inside a function, but %s", d.Line, what, why)
	tb := []string{
		failure.Red("not supported") + fmt.Sprintf(" at cell line %d: %s", d.Line, strings.TrimSpace(d.Text)),
		"The interpreter cannot define a variable at the top of a cell from a generic function's value; golab ran the",
		"statement inside a function (it has run), but cannot keep " + what + " for the rest of the notebook: " + why + ".",
		"Declare the variable with its type first, then assign it (var ks []string, then ks = Keys(m)), or use it inside a function.",
	}
	return &protocol.Error{Name: "not supported", Value: value, Traceback: append(tb, failure.SourceContext(src, d.Line, 1)...)}
}

// declarationSources returns the sources of the top-level declarations
// the cells have made, for checks that need the notebook's types.
func (w *Worker) declarationSources() []string {
	var out []string
	for _, d := range w.defs.all() {
		out = append(out, d.Source)
	}
	return out
}

package worker

import (
	"fmt"
	"go/types"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/protocol"
)

// definitions is what the notebook's cells have declared and imported so
// far, in Go's namespaces: values (variables, constants and functions
// share one, as in Go), types, methods ("T.M"), and imports, by path and
// by the name cells use for the package.
type definitions struct {
	values   map[string]cell.Definition
	types    map[string]cell.Definition
	methods  map[string]cell.Definition
	imports  map[importSpec]bool // the specs evaluated, as written
	paths    map[string]bool     // the paths imported, under any name
	packages map[string]string   // a package's name in cells → its path
	// defines holds, for each variable a cell's statements defined with
	// :=, that statement as `var a, b = f()`: go/types' only way to know
	// a variable whose type the interpreter cannot write (see
	// Worker.typeContext). Statements that ran wait in unread until it is
	// asked for, so that cells do not pay for parsing them again.
	defines map[string]string
	unread  []string
}

// importSpec is one import as a cell writes it: the name is "" when the
// package's own name is used.
type importSpec struct{ name, path string }

func newDefinitions() *definitions {
	return &definitions{
		values:   map[string]cell.Definition{},
		types:    map[string]cell.Definition{},
		methods:  map[string]cell.Definition{},
		imports:  map[importSpec]bool{},
		paths:    map[string]bool{},
		packages: map[string]string{},
		defines:  map[string]string{},
	}
}

// namespace returns the table a definition of that kind lives in.
func (ds *definitions) namespace(k cell.Kind) map[string]cell.Definition {
	switch k {
	case cell.Type:
		return ds.types
	case cell.Method:
		return ds.methods
	}
	return ds.values // Var, Const, Func
}

// value returns the variable, constant or function declared as name.
func (ds *definitions) value(name string) (cell.Definition, bool) {
	d, ok := ds.values[name]
	return d, ok
}

// hasMethod reports whether a method of that name was declared, on any
// type.
func (ds *definitions) hasMethod(name string) bool {
	for key := range ds.methods {
		if _, m, ok := strings.Cut(key, "."); ok && m == name {
			return true
		}
	}
	return false
}

// typ returns the type declared as name.
func (ds *definitions) typ(name string) (cell.Definition, bool) {
	d, ok := ds.types[name]
	return d, ok
}

// earlier returns the definition that d would replace: the one of the same
// name in its namespace.
func (ds *definitions) earlier(d cell.Definition) (cell.Definition, bool) {
	old, ok := ds.namespace(d.Kind)[d.Name]
	return old, ok
}

// put records d, replacing any earlier one of its name and namespace.
func (ds *definitions) put(d cell.Definition) { ds.namespace(d.Kind)[d.Name] = d }

// all returns every declaration, ordered by kind and name, so that what is
// built from them (a %race program, a type check) does not vary from run
// to run.
func (ds *definitions) all() []cell.Definition {
	out := make([]cell.Definition, 0, len(ds.values)+len(ds.types)+len(ds.methods))
	for _, table := range []map[string]cell.Definition{ds.types, ds.methods, ds.values} {
		for _, d := range table {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// imported reports whether an import spec was evaluated already.
func (ds *definitions) imported(name, path string) bool { return ds.imports[importSpec{name, path}] }

// addImport records an evaluated import spec.
func (ds *definitions) addImport(name, path string) {
	ds.imports[importSpec{name, path}] = true
	ds.paths[path] = true
	ds.packages[importName(name, path)] = path
}

// importsPath reports whether any cell imported the package at path.
func (ds *definitions) importsPath(path string) bool { return ds.paths[path] }

// isPackage reports whether name is a package's name in cells.
func (ds *definitions) isPackage(name string) bool {
	_, ok := ds.packages[name]
	return ok
}

// importPaths returns the paths imported, sorted.
func (ds *definitions) importPaths() []string {
	out := make([]string, 0, len(ds.paths))
	for p := range ds.paths {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// importLines returns the import specs, as an import declaration writes
// them (`r "math/rand"`), sorted.
func (ds *definitions) importLines() []string {
	out := make([]string, 0, len(ds.imports))
	for spec := range ds.imports {
		out = append(out, strings.TrimSpace(spec.name+" "+strconv.Quote(spec.path)))
	}
	sort.Strings(out)
	return out
}

// ran records statements that ran at a cell's top level, for
// definesOf.
func (ds *definitions) ran(stmts string) { ds.unread = append(ds.unread, stmts) }

// definesOf returns the statement that defined a variable with :=, as
// `var a, b = f()` (see cell.DefineDecls), the latest one winning.
func (ds *definitions) definesOf(name string) (string, bool) {
	for _, stmts := range ds.unread {
		for n, decl := range cell.DefineDecls(stmts) {
			ds.defines[n] = decl
		}
	}
	ds.unread = nil
	decl, ok := ds.defines[name]
	return decl, ok
}

// checkRedefinitions decides what to do with names the cell defines again.
// Unchanged types and methods are skipped (the interpreter ignores a second
// declaration anyway); changed ones are refused with a message, because
// yaegi would silently keep the old ones.
func (w *Worker) checkRedefinitions(plan *cell.Plan, src string) ([]cell.Definition, *protocol.Error) {
	var skip []cell.Definition
	for _, d := range plan.Defined {
		if d.Kind != cell.Type && d.Kind != cell.Method {
			continue
		}
		old, ok := w.defs.earlier(d)
		if !ok {
			continue
		}
		if old.Source == d.Source {
			skip = append(skip, d)
			continue
		}
		what := "type " + d.Name
		if d.Kind == cell.Method {
			what = "method " + d.Name
		}
		// yaegi would keep the old definition for the values and methods
		// made with it: the supervisor starts a fresh worker, restores the
		// earlier cells with the new definition in place of the old, and
		// runs this cell again.
		return nil, &protocol.Error{Name: protocol.ChangedDefinition, Value: what + " changes its earlier definition",
			Traceback: []string{fmt.Sprintf("%s changes its earlier definition (cell line %d).", what, d.Line)}}
	}
	return skip, nil
}

// dotSymbol returns what a package imported with a dot (import . "math")
// exports as name, looking at the notebook's imports and those of the cell
// being run.
func (w *Worker) dotSymbol(name string, cellImports []cell.Import) (reflect.Value, bool) {
	var dotted []string
	for _, imp := range cellImports {
		if imp.Name == "." {
			dotted = append(dotted, imp.Path)
		}
	}
	for imp := range w.defs.imports {
		if imp.name == "." {
			dotted = append(dotted, imp.path)
		}
	}
	for _, path := range dotted {
		for _, names := range w.interp.Symbols(path) {
			if v, ok := names[name]; ok {
				return v, true
			}
		}
	}
	return reflect.Value{}, false
}

// checkUndefined reports the first identifier the cell uses that nothing
// declares, in Go's words. yaegi's own answer to an undefined name ranges
// from a misleading message to a crash.
func (w *Worker) checkUndefined(plan *cell.Plan, src string) *protocol.Error {
	imported := map[string]bool{}
	for _, imp := range plan.ImportSpecs {
		imported[importName(imp.Name, imp.Path)] = true
	}
	exportedByDotted := func(name string) bool {
		_, ok := w.dotSymbol(name, plan.ImportSpecs)
		return ok
	}
	globals := w.globals()
	for _, id := range plan.Free {
		name := id.Name
		_, isValue := w.defs.value(name)
		_, isType := w.defs.typ(name)
		isPkg := w.defs.isPackage(name)
		_, isGlobal := globals[name]
		if isValue || isType || isPkg || isGlobal || imported[name] || types.Universe.Lookup(name) != nil || exportedByDotted(name) {
			continue
		}
		tb := []string{failure.Red("error") + fmt.Sprintf(" at cell line %d, column %d: undefined: %s", id.Line, id.Column, name)}
		tb = append(tb, failure.SourceContext(src, id.Line, id.Column)...)
		if path := packagePathNamed(name); path != "" {
			tb = append(tb, fmt.Sprintf("(did you forget import %q?)", path))
		}
		return &protocol.Error{Name: "undefined", Value: fmt.Sprintf("line %d:%d: undefined: %s", id.Line, id.Column, name), Traceback: tb}
	}
	return nil
}

// importAll evaluates the cell's imports that are new: yaegi refuses to
// import a package a second time, and re-running a cell is common.
func (w *Worker) importAll(plan *cell.Plan, src string) *protocol.Error {
	for _, imp := range plan.ImportSpecs {
		if w.defs.imported(imp.Name, imp.Path) {
			continue
		}
		if e := w.eval(imp.Source(), src); e != nil {
			return e
		}
		w.defs.addImport(imp.Name, imp.Path)
	}
	return nil
}

// record remembers the cell's definitions and returns the names of
// functions whose body changed.
func (w *Worker) record(plan *cell.Plan) []string {
	var changed []string
	for _, d := range plan.Defined {
		if old, ok := w.defs.earlier(d); ok && d.Kind == cell.Func && old.Source != d.Source {
			changed = append(changed, d.Name)
		}
		w.defs.put(d)
	}
	return changed
}

// rebindCallers re-evaluates the functions that call a redefined function,
// directly or not, so that they call the new body: yaegi binds calls when a
// function is declared.
func (w *Worker) rebindCallers(changed []string, src string) *protocol.Error {
	if len(changed) == 0 {
		return nil
	}
	pending := append([]string(nil), changed...)
	seen := map[string]bool{}
	for _, n := range changed {
		seen[n] = true
	}
	for len(pending) > 0 {
		name := pending[0]
		pending = pending[1:]
		for _, d := range w.defs.all() {
			if d.Kind != cell.Func || seen[d.Name] || !contains(d.Uses, name) {
				continue
			}
			seen[d.Name] = true
			pending = append(pending, d.Name)
			if _, err := w.try(w.rewriteDecls(d.Source)); err != nil {
				return &protocol.Error{Name: "redefinition", Value: fmt.Sprintf("could not update %s to call the new %s: %v", d.Name, name, err),
					Traceback: []string{fmt.Sprintf("%s calls %s, which this cell redefines, and could not be updated: %v", d.Name, name, err)}}
			}
		}
	}
	return nil
}

// definitionKey identifies a definition by its namespace and name.
type definitionKey struct {
	namespace cell.Kind // Func for every value: variables, constants and functions share a namespace, as in Go
	name      string
}

func key(d cell.Definition) definitionKey {
	if d.Kind == cell.Var || d.Kind == cell.Const {
		return definitionKey{cell.Func, d.Name}
	}
	return definitionKey{d.Kind, d.Name}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

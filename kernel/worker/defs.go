package worker

import (
	"sort"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/kernel/cell"
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

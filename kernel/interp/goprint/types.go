// Package goprint makes fmt print values of types declared in cells as
// compiled Go prints them.
//
// yaegi builds a cell's struct types with reflect.StructOf, which has no
// type names and no unexported fields: it renames field x to Xx. Named
// types over basic ones (type celsius float64) become the basic type. So
// plain fmt shows `{Xx:1 Xy:2}` for %+v of a point, `struct { Xx int; Xy
// int }` for %T, and calls no String method on the elements of a slice.
// The interpreter's fmt and log functions are replaced (Symbols) by ones
// that walk such values themselves, with the names the cells declared
// (Types.Update), and leave every other value to fmt.
//
// Where the interpreter keeps no trace of a type (a celsius inside a
// []celsius is a float64), the printer cannot know it: it prints what the
// value holds and says so once through Types.Note, rather than print a
// different answer from compiled Go without a word.
package goprint

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/golab-notebooks/golab/kernel/interp/cell"
)

// Types is what the printer knows about the types the cells declared. The
// zero value knows none; it is safe for concurrent use.
type Types struct {
	current atomic.Pointer[table]
	// Note, if set, is called with an explanation each time output may
	// differ from compiled Go's because the interpreter lost a type; the
	// caller shows each distinct one once.
	Note func(text string)
}

// Declaration is the source of one type or method declaration of a cell.
type Declaration struct {
	Source string
	// Name is the declared type's name, or "Type.Method" for a method.
	Name string
}

// Evaluator evaluates a Go expression in the interpreter, in the scope of
// the cells.
type Evaluator func(expr string) (reflect.Value, error)

// table is one immutable state of Types.
type table struct {
	byName map[string]*named
	byType map[reflect.Type][]*named // most recent declaration first
	// generic reports whether a generic struct type is declared: its
	// instances are unnamed structs the table does not know.
	generic bool
	walk    sync.Map // reflect.Type -> bool: does printing it need the walker
}

// named is one type declared in a cell.
type named struct {
	name   string // Go's name for it: "main.point"
	local  string // its name in the cell: "point"
	rtype  reflect.Type
	fields []field // for struct types, in order
	// Methods that fmt honours, by name, for the value and the pointer.
	value, pointer map[string]reflect.Value
	order          int // declaration order, for "most recent first"
}

// field is one declared struct field: its name and, if it names a type
// the table may know, the shape of its declared type.
type field struct {
	name string
	hint *hint
}

// hint is what a declaration says about a value's type, where the value
// alone has lost it: a named cell type, or a container of one.
type hint struct {
	name       string // a cell type's local name, or ""
	elem, key  *hint  // for slices, arrays, pointers, maps, channels
	interfaced bool   // the declared type is an interface
}

// methodNames are the methods the printer and errors.As/Is call, with
// their result type; they take no arguments. (Format is not among them:
// yaegi passes a value with one to fmt wrapped, which calls it.)
var methodNames = map[string]string{"String": "string", "Error": "string", "GoString": "string", "Unwrap": "error"}

// Update replaces what the printer knows with decls: every type and
// method declaration made so far. eval finds each type's reflect.Type and
// the interpreted methods' function values. A declaration that cannot be
// read is skipped; the error says which.
func (t *Types) Update(decls []Declaration, eval Evaluator) error {
	eval = safe(eval)
	next := &table{byName: map[string]*named{}, byType: map[reflect.Type][]*named{}}
	var problems []string
	var methods []*ast.FuncDecl
	order := 0
	for _, d := range decls {
		file, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+d.Source, 0)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", d.Name, err))
			continue
		}
		for _, decl := range file.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if decl.Recv != nil && methodNames[decl.Name.Name] != "" {
					methods = append(methods, decl)
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || ts.Name.Name != d.Name {
						continue
					}
					if ts.TypeParams != nil {
						if _, isStruct := ts.Type.(*ast.StructType); isStruct {
							next.generic = true
						}
						continue
					}
					if ts.Assign.IsValid() {
						continue // an alias is the type it names
					}
					if _, isInterface := ts.Type.(*ast.InterfaceType); isInterface {
						continue // values of it are of other types
					}
					v, err := eval("(*" + ts.Name.Name + ")(nil)")
					if err != nil || !v.IsValid() || v.Kind() != reflect.Ptr {
						problems = append(problems, fmt.Sprintf("type %s: %v", ts.Name.Name, err))
						continue
					}
					order++
					n := &named{name: "main." + ts.Name.Name, local: ts.Name.Name, rtype: v.Type().Elem(),
						value: map[string]reflect.Value{}, pointer: map[string]reflect.Value{}, order: order}
					if st, ok := ts.Type.(*ast.StructType); ok {
						n.fields = structFields(st)
					}
					next.byName[n.local] = n
				}
			}
		}
	}
	for _, n := range next.byName {
		next.byType[n.rtype] = append(next.byType[n.rtype], n)
	}
	for _, list := range next.byType {
		sort.Slice(list, func(i, j int) bool { return list[i].order > list[j].order }) // newest first
	}
	for _, m := range methods {
		recv, pointer := receiver(m)
		n := next.byName[recv]
		result := methodNames[m.Name.Name]
		if n == nil || !returnsOne(m.Type, result) {
			continue
		}
		star := ""
		if pointer {
			star = "*"
		}
		// (yaegi evaluates a function literal to a pointer, a variable
		// holding one to the function.)
		holder := "__golab_method_" + recv + "_" + m.Name.Name
		_, err := eval(fmt.Sprintf("var %s = func(v %s%s) %s { return v.%s() }", holder, star, recv, result, m.Name.Name))
		var fn reflect.Value
		if err == nil {
			fn, err = eval(holder)
		}
		if err != nil || fn.Kind() != reflect.Func {
			problems = append(problems, fmt.Sprintf("method %s.%s: %v", recv, m.Name.Name, err))
			continue
		}
		n.pointer[m.Name.Name] = fn
		if !pointer {
			n.value[m.Name.Name] = fn
		}
	}
	t.current.Store(next)
	if len(problems) > 0 {
		return fmt.Errorf("goprint: some declarations were not understood: %s", strings.Join(problems, "; "))
	}
	return nil
}

// safe turns a panic of eval (yaegi panics on some types, such as
// constraint interfaces) into an error.
func safe(eval Evaluator) Evaluator {
	return func(expr string) (v reflect.Value, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("the interpreter failed on %s: %v", expr, r)
			}
		}()
		return eval(expr)
	}
}

// load returns the current table; never nil.
func (t *Types) load() *table {
	if tab := t.current.Load(); tab != nil {
		return tab
	}
	return &table{}
}

func structFields(st *ast.StructType) []field {
	var out []field
	for _, f := range st.Fields.List {
		h := hintOf(f.Type)
		if len(f.Names) == 0 { // embedded: the field is named after its type
			out = append(out, field{name: embeddedName(f.Type), hint: h})
			continue
		}
		for _, name := range f.Names {
			out = append(out, field{name: name.Name, hint: h})
		}
	}
	return out
}

func embeddedName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return embeddedName(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.IndexExpr:
		return embeddedName(e.X)
	case *ast.IndexListExpr:
		return embeddedName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}

// hintOf reads a declared type expression; nil when it says nothing the
// value does not already say.
func hintOf(e ast.Expr) *hint {
	switch e := e.(type) {
	case *ast.Ident:
		if isPredeclared(e.Name) {
			return nil
		}
		return &hint{name: e.Name}
	case *ast.StarExpr:
		if h := hintOf(e.X); h != nil {
			return &hint{elem: h}
		}
	case *ast.ArrayType:
		if h := hintOf(e.Elt); h != nil {
			return &hint{elem: h}
		}
	case *ast.ChanType:
		if h := hintOf(e.Value); h != nil {
			return &hint{elem: h}
		}
	case *ast.MapType:
		k, v := hintOf(e.Key), hintOf(e.Value)
		if k != nil || v != nil {
			return &hint{key: k, elem: v}
		}
	case *ast.InterfaceType:
		return &hint{interfaced: true}
	}
	return nil
}

func isPredeclared(name string) bool {
	switch name {
	case "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
		"uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune", "error", "any":
		return true
	}
	return false
}

// receiver returns a method's receiver type name and whether it is a pointer.
func receiver(m *ast.FuncDecl) (string, bool) {
	if len(m.Recv.List) != 1 {
		return "", false
	}
	e := m.Recv.List[0].Type
	pointer := false
	if s, ok := e.(*ast.StarExpr); ok {
		e, pointer = s.X, true
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name, pointer
	}
	return "", false // a generic receiver: its instances are not known
}

func returnsOne(ft *ast.FuncType, result string) bool {
	if ft.Params != nil && len(ft.Params.List) > 0 {
		return false
	}
	if ft.Results == nil || len(ft.Results.List) != 1 || len(ft.Results.List[0].Names) > 1 {
		return false
	}
	id, ok := ft.Results.List[0].Type.(*ast.Ident)
	return ok && id.Name == result
}

// fieldName is Go's name for field i of a struct type yaegi made: the
// declared one when the table knows the type, else the field's name
// without the X that yaegi put before an unexported name.
func fieldName(n *named, rt reflect.Type, i int) string {
	if n != nil && i < len(n.fields) {
		return n.fields[i].name
	}
	name := rt.Field(i).Name
	if len(name) > 1 && name[0] == 'X' {
		r, _ := utf8.DecodeRuneInString(name[1:])
		if r == '_' || unicode.IsLower(r) {
			return name[1:]
		}
	}
	return name
}

// yaegiMade reports whether rt is an unnamed struct type with a field
// yaegi renamed: the type of a struct literal or of a generic instance.
func yaegiMade(rt reflect.Type) bool {
	if rt.Kind() != reflect.Struct || rt.Name() != "" {
		return false
	}
	for i := 0; i < rt.NumField(); i++ {
		if fieldName(nil, rt, i) != rt.Field(i).Name {
			return true
		}
	}
	return false
}

// lookup returns the cell types whose values have type rt.
func (tab *table) lookup(rt reflect.Type) []*named {
	if rt == nil {
		return nil
	}
	return tab.byType[rt]
}

// resolve finds the cell type a hint names.
func (tab *table) resolve(h *hint) *named {
	if h == nil || h.name == "" {
		return nil
	}
	return tab.byName[h.name]
}

// needsWalk reports whether values of type rt can print differently from
// compiled Go under plain fmt: they hold a cell type, or a value the
// interpreter may have taken from one.
func (tab *table) needsWalk(rt reflect.Type) bool {
	if rt == nil {
		return false
	}
	if v, ok := tab.walk.Load(rt); ok {
		return v.(bool)
	}
	tab.walk.Store(rt, false) // recursive types: assume no while deciding
	need := tab.decideWalk(rt)
	tab.walk.Store(rt, need)
	return need
}

func (tab *table) decideWalk(rt reflect.Type) bool {
	if len(tab.lookup(rt)) > 0 || yaegiMade(rt) || isYaegiInterface(rt) || isWrapper(rt) {
		return true
	}
	switch rt.Kind() {
	case reflect.Ptr, reflect.Slice, reflect.Array, reflect.Chan:
		return tab.needsWalk(rt.Elem())
	case reflect.Map:
		return tab.needsWalk(rt.Key()) || tab.needsWalk(rt.Elem())
	case reflect.Func:
		for i := 0; i < rt.NumIn(); i++ {
			if tab.needsWalk(rt.In(i)) {
				return true
			}
		}
		for i := 0; i < rt.NumOut(); i++ {
			if tab.needsWalk(rt.Out(i)) {
				return true
			}
		}
	case reflect.Struct:
		for i := 0; i < rt.NumField(); i++ {
			if tab.needsWalk(rt.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// TypeSource writes rt as Go source that names the same type in a cell:
// "[]string", "map[string]point", "*strings.Builder", "error". It fails
// (ok false, with the part it could not name) where the interpreter's
// type does not tell the cell's type: a generic struct instance, or a
// basic type that a cell type shares (a celsius is a float64 to it).
func (t *Types) TypeSource(rt reflect.Type) (src string, ok bool) {
	return t.load().source(rt)
}

func (tab *table) source(rt reflect.Type) (string, bool) {
	if cands := tab.lookup(rt); len(cands) > 0 {
		// A struct declared in a cell has a type of its own in the
		// interpreter; a cell type over int or []string shares the
		// interpreter's type with them, so which one is meant is unknown.
		if len(cands) == 1 && rt.Kind() == reflect.Struct && rt.Name() == "" {
			return cands[0].local, true
		}
		return rt.String(), false
	}
	if rt == errorType {
		return "error", true
	}
	if rt.Name() != "" {
		if rt.PkgPath() == "" {
			return rt.Name(), true // int, string, …
		}
		return cell.PackageName(rt.PkgPath()) + "." + rt.Name(), !strings.Contains(rt.Name(), "[")
	}
	elem := func(prefix string, e reflect.Type) (string, bool) {
		s, ok := tab.source(e)
		return prefix + s, ok
	}
	switch rt.Kind() {
	case reflect.Slice:
		return elem("[]", rt.Elem())
	case reflect.Array:
		return elem(fmt.Sprintf("[%d]", rt.Len()), rt.Elem())
	case reflect.Pointer:
		return elem("*", rt.Elem())
	case reflect.Chan:
		dir := map[reflect.ChanDir]string{reflect.BothDir: "chan ", reflect.RecvDir: "<-chan ", reflect.SendDir: "chan<- "}[rt.ChanDir()]
		return elem(dir, rt.Elem())
	case reflect.Map:
		k, okK := tab.source(rt.Key())
		v, okV := tab.source(rt.Elem())
		return "map[" + k + "]" + v, okK && okV
	case reflect.Interface:
		if rt.NumMethod() == 0 {
			return "any", true
		}
	case reflect.Func:
		return tab.funcSource(rt)
	case reflect.Struct:
		if yaegiMade(rt) {
			return rt.String(), false
		}
		fields := make([]string, rt.NumField())
		for i := range fields {
			f := rt.Field(i)
			s, ok := tab.source(f.Type)
			if !ok || f.Tag != "" {
				return rt.String(), false
			}
			if f.Anonymous {
				fields[i] = s
			} else {
				fields[i] = f.Name + " " + s
			}
		}
		return "struct{" + strings.Join(fields, "; ") + "}", true
	}
	return rt.String(), false
}

// funcSource writes a function type.
func (tab *table) funcSource(rt reflect.Type) (string, bool) {
	ok := true
	part := func(t reflect.Type) string {
		s, k := tab.source(t)
		ok = ok && k
		return s
	}
	in := make([]string, rt.NumIn())
	for i := range in {
		if rt.IsVariadic() && i == len(in)-1 {
			in[i] = "..." + part(rt.In(i).Elem())
		} else {
			in[i] = part(rt.In(i))
		}
	}
	out := make([]string, rt.NumOut())
	for i := range out {
		out[i] = part(rt.Out(i))
	}
	return funcType(in, out), ok
}

// funcType writes a function type from its parameter and result types.
func funcType(in, out []string) string {
	s := "func(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
	case 1:
		s += " " + out[0]
	default:
		s += " (" + strings.Join(out, ", ") + ")"
	}
	return s
}

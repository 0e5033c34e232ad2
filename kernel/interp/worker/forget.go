package worker

import (
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi keeps every source it evaluates for the life of the interpreter,
// for its debugger alone: the syntax tree of each Eval in
// Interpreter.roots, each block's scope in its parent's scope.child, and,
// in a slot of the global frame, the last value of each function literal
// written in top-level statements (a `go func() { … }()` in a cell). Any
// one of them keeps the whole tree of the cell, its compiled closures
// included, and a notebook's worker grew by 50 to 130 KB a cell: 3,000
// cells that each start goroutines took it from 31 to 420 MiB.
//
// forgetter lets go of those three after each evaluation. It reaches into
// yaegi's unexported fields, so it checks their layout once (the version
// is pinned in go.mod; TestForgetterKnowsThisYaegi fails on a version that
// moved them) and does nothing when the layout is not the one it knows.
//
// What it keeps: everything a symbol names (variables, functions, types,
// methods), since later cells and running goroutines reach those. A
// function literal's slot is only a place where the literal's value is put
// on its way to the call or variable that takes it, so a closure kept in a
// variable, or running in a goroutine, is untouched.
type forgetter struct {
	interp *interp.Interpreter
	// why says what did not match, when the layout is not known.
	why string
}

// newForgetter checks yaegi's layout for i.
func newForgetter(i *interp.Interpreter) *forgetter {
	f := &forgetter{interp: i}
	f.why = knownLayout(reflect.TypeOf(i).Elem())
	return f
}

// known reports whether the forgetter can work on this yaegi.
func (f *forgetter) known() bool { return f.why == "" }

// forget lets go of what the evaluations so far kept for the debugger.
// Call it after Eval returns, on the goroutine that evaluates.
func (f *forgetter) forget() {
	if !f.known() {
		return
	}
	iv := reflect.ValueOf(f.interp).Elem()
	roots := writable(iv.FieldByName("roots"))
	var literals []int
	for k := 0; k < roots.Len(); k++ {
		literals = topLevelLiterals(roots.Index(k), literals)
	}
	roots.SetZero()

	forgetChildren(iv.FieldByName("universe"))
	scopes := iv.FieldByName("scopes").MapRange()
	for scopes.Next() {
		forgetChildren(scopes.Value())
	}

	frame := iv.FieldByName("frame")
	if frame.IsNil() || len(literals) == 0 {
		return
	}
	fr := writable(frame.Elem())
	mu := (*sync.RWMutex)(unsafe.Pointer(fr.FieldByName("mutex").UnsafeAddr()))
	data := writable(fr.FieldByName("data")).Interface().([]reflect.Value)
	mu.Lock()
	for _, k := range literals {
		if k >= 0 && k < len(data) {
			data[k] = reflect.Value{}
		}
	}
	mu.Unlock()
}

// topLevelLiterals appends the frame slots of the function literals of a
// root that stand in top-level statements, not inside a function.
func topLevelLiterals(n reflect.Value, into []int) []int {
	if n.IsNil() {
		return into
	}
	node := n.Elem()
	switch fmt.Sprint(writable(node.FieldByName("kind")).Interface()) {
	case "funcDecl":
		return into
	case "funcLit":
		if node.FieldByName("level").Int() == 0 {
			into = append(into, int(node.FieldByName("findex").Int()))
		}
		return into
	}
	children := node.FieldByName("child")
	for k := 0; k < children.Len(); k++ {
		into = topLevelLiterals(children.Index(k), into)
	}
	return into
}

// forgetChildren drops a scope's list of block scopes, which only the
// debugger reads.
func forgetChildren(scope reflect.Value) {
	if scope.IsNil() {
		return
	}
	writable(scope.Elem().FieldByName("child")).SetZero()
}

// writable returns a settable view of v, which must be addressable (a
// field of something reached through a pointer).
func writable(v reflect.Value) reflect.Value {
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// knownLayout returns "" when yaegi's Interpreter type has the fields the
// forgetter uses, with the types it expects, or else what differs.
func knownLayout(it reflect.Type) string {
	want := func(t reflect.Type, name string, kind reflect.Kind) (reflect.Type, string) {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		f, ok := t.FieldByName(name)
		if !ok || f.Type.Kind() != kind {
			return nil, fmt.Sprintf("%s.%s is not a %s", t.Name(), name, kind)
		}
		return f.Type, ""
	}
	roots, why := want(it, "roots", reflect.Slice)
	if why != "" {
		return why
	}
	node := roots.Elem()
	if node.Kind() != reflect.Pointer || node.Elem().Name() != "node" {
		return "Interpreter.roots does not hold *node"
	}
	for _, f := range []struct {
		name string
		kind reflect.Kind
	}{{"child", reflect.Slice}, {"findex", reflect.Int}, {"level", reflect.Int}, {"kind", reflect.Uint}} {
		if _, why := want(node, f.name, f.kind); why != "" {
			return why
		}
	}
	if kind, _ := node.Elem().FieldByName("kind"); !kind.Type.Implements(reflect.TypeFor[fmt.Stringer]()) {
		return "node.kind has no String method"
	}
	universe, why := want(it, "universe", reflect.Pointer)
	if why != "" {
		return why
	}
	if _, why := want(universe, "child", reflect.Slice); why != "" {
		return why
	}
	scopes, why := want(it, "scopes", reflect.Map)
	if why != "" {
		return why
	}
	if scopes.Elem() != universe {
		return "Interpreter.scopes does not hold what universe is"
	}
	frame, why := want(it, "frame", reflect.Pointer)
	if why != "" {
		return why
	}
	data, why := want(frame, "data", reflect.Slice)
	if why != "" {
		return why
	}
	if data.Elem() != reflect.TypeFor[reflect.Value]() {
		return "frame.data does not hold reflect.Value"
	}
	if mu, ok := frame.Elem().FieldByName("mutex"); !ok || mu.Type != reflect.TypeFor[sync.RWMutex]() {
		return "frame.mutex is not a sync.RWMutex"
	}
	return ""
}

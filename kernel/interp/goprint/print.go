package goprint

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// value is an argument that holds a cell type, handed to fmt in place of
// the argument: fmt calls its Format, which prints it as compiled Go would.
type value struct {
	tab *table
	t   *Types
	v   reflect.Value
}

// Format prints the value for one fmt directive.
func (a value) Format(st fmt.State, verb rune) {
	p := &printer{tab: a.tab, types: a.t, st: st, verb: verb}
	p.directive = directive(st, verb)
	if verb == 'v' {
		p.plusV, p.sharpV = st.Flag('+'), st.Flag('#')
		// fmt prints basic values the same under %+v and %v.
		p.leaf = strings.Replace(p.directive, "+", "", 1)
	} else {
		p.leaf = p.directive
	}
	var b strings.Builder
	p.out = &b
	p.print(a.v, nil, 0, true)
	_, _ = st.Write([]byte(b.String()))
}

// directive rebuilds the fmt directive that st and verb came from.
func directive(st fmt.State, verb rune) string {
	var b strings.Builder
	b.WriteByte('%')
	for _, f := range "+-# 0" {
		if st.Flag(int(f)) {
			b.WriteRune(f)
		}
	}
	if w, ok := st.Width(); ok {
		b.WriteString(strconv.Itoa(w))
	}
	if p, ok := st.Precision(); ok {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(p))
	}
	b.WriteRune(verb)
	return b.String()
}

// printer walks one value the way fmt's printValue does.
type printer struct {
	tab       *table
	types     *Types
	st        fmt.State
	verb      rune
	directive string // the whole directive, for method results
	leaf      string // the directive for basic values
	plusV     bool
	sharpV    bool
	out       *strings.Builder
}

func (p *printer) note(text string) {
	if p.types != nil && p.types.Note != nil {
		p.types.Note(text)
	}
}

// print writes v. h is what the declaration says of v's type, depth how
// deep v is in the argument, and exported whether fmt could reach v
// through exported fields only (fmt calls no method on the rest).
func (p *printer) print(v reflect.Value, h *hint, depth int, exported bool) {
	if !v.IsValid() {
		if depth == 0 {
			p.out.WriteString("%!" + string(p.verb) + "(<nil>)")
		} else if p.sharpV {
			p.out.WriteString("interface {}(nil)")
		} else {
			p.out.WriteString("<nil>")
		}
		return
	}
	if isWrapper(v.Type()) {
		inner := v.Field(0)
		if inner.Kind() == reflect.Interface {
			inner = inner.Elem()
		}
		if n, fit := pointerMethodsOnly(p.tab, v.Type(), inner); fit != fitNone {
			// fmt calls no method of the value's type: Go prints the fields.
			switch {
			case fit == fitUnsure:
				fmt.Fprintf(p.out, "%%!%c(golab: cannot print this value)", p.verb)
				p.note(fmt.Sprintf("golab: the interpreter hands fmt a value whose type golab cannot tell among your types (one of them, "+
					"%s, has %s on its pointer only, so Go would print its fields); print a pointer (&v) or the fields, or run the "+
					"program as a whole program (package main with func main).\n", n.local, methodList(v.Type())))
			case inner.Type() == n.rtype:
				p.printStruct(inner, n, depth, exported)
			case n.rtype.NumField() == 1:
				whole := reflect.New(n.rtype).Elem()
				whole.Field(0).Set(inner)
				p.printStruct(whole, n, depth, exported)
			default:
				fmt.Fprintf(p.out, "%%!%c(golab: cannot print this value)", p.verb)
				p.note(fmt.Sprintf("golab: %s of %s is declared on the pointer (*%s) only, so Go prints a %s value's fields "+
					"without calling it; the interpreter hands fmt only one field of a struct value, so golab cannot "+
					"print them. Print a pointer (&v) or the fields, or run the program as a whole program (package main "+
					"with func main).\n", methodList(v.Type()), n.local, n.local, n.local))
			}
			return
		}
		if exported && p.viaWrapper(v, inner) {
			return
		}
		if fits := wrapperTypes(p.tab, v.Type(), inner); len(fits) == 0 || fits[0].rtype == inner.Type() {
			p.print(inner, h, depth, exported)
			return
		}
		// yaegi put one field of the struct in the wrapper, not the struct.
		fmt.Fprintf(p.out, "%%!%c(golab: cannot print this value)", p.verb)
		p.note(fmt.Sprintf("golab: the interpreter hands fmt only the methods of a value of a struct type with a String or "+
			"Error method, not its fields, so %%%c could not print it as compiled Go does. Print its fields, or run the "+
			"program as a whole program (package main with func main).\n", p.verb))
		return
	}
	if isYaegiInterface(v.Type()) {
		p.print(yaegiInterfaceValue(v), h, depth, exported)
		return
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			if p.sharpV {
				p.out.WriteString(p.typeName(v.Type(), h) + "(nil)")
			} else {
				p.out.WriteString("<nil>")
			}
			return
		}
		p.print(v.Elem(), nil, depth+1, exported)
		return
	}
	n := p.namedFor(v, h)
	if exported && p.callMethod(v, n) {
		return
	}
	if n == nil && !p.tab.needsWalk(v.Type()) {
		p.plain(v, depth, exported)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		p.printStruct(v, n, depth, exported)
	case reflect.Map:
		p.printMap(v, n, h, depth, exported)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && p.sharpV && v.IsNil() {
			p.out.WriteString(p.typeName(v.Type(), h) + "(nil)")
			return
		}
		if p.sharpV {
			p.out.WriteString(p.typeName(v.Type(), h) + "{")
		} else {
			p.out.WriteByte('[')
		}
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				p.out.WriteString(p.separator())
			}
			p.print(v.Index(i), elemHint(h), depth+1, exported)
		}
		if p.sharpV {
			p.out.WriteByte('}')
		} else {
			p.out.WriteByte(']')
		}
	case reflect.Ptr:
		if depth == 0 && !v.IsNil() {
			switch v.Elem().Kind() {
			case reflect.Struct, reflect.Array, reflect.Slice, reflect.Map:
				p.out.WriteByte('&')
				p.print(v.Elem(), elemHint(h), depth+1, exported)
				return
			}
		}
		p.pointer(v, h)
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		p.pointer(v, h)
	default:
		p.basic(v)
	}
}

// separator is what goes between elements.
func (p *printer) separator() string {
	if p.sharpV {
		return ", "
	}
	return " "
}

// namedFor finds the cell type of v: the declared one, else the only
// struct type with v's shape. Basic values carry no trace of a named type.
func (p *printer) namedFor(v reflect.Value, h *hint) *named {
	if n := p.tab.resolve(h); n != nil && n.rtype == v.Type() {
		return n
	}
	if v.Kind() == reflect.Ptr {
		return nil // its methods are found through the element's type
	}
	list := p.tab.lookup(v.Type())
	if len(list) == 0 || v.Kind() != reflect.Struct {
		return nil
	}
	return list[0]
}

// callMethod prints v through the method compiled Go's fmt would call,
// if it has one, and reports whether it did.
func (p *printer) callMethod(v reflect.Value, n *named) bool {
	methods := map[string]reflect.Value(nil)
	switch {
	case n != nil:
		methods = n.value
	case v.Kind() == reflect.Ptr:
		if list := p.tab.lookup(v.Type().Elem()); len(list) > 0 && v.Type().Elem().Kind() == reflect.Struct {
			methods = list[0].pointer
		}
	}
	if len(methods) == 0 {
		if n == nil && v.Kind() != reflect.Struct && v.Kind() != reflect.Ptr {
			p.ambiguous(v)
		}
		return false
	}
	name := ""
	if p.sharpV {
		if _, ok := methods["GoString"]; ok {
			name = "GoString"
		}
	} else {
		switch p.verb {
		case 'v', 's', 'x', 'X', 'q':
			if _, ok := methods["Error"]; ok {
				name = "Error"
			} else if _, ok := methods["String"]; ok {
				name = "String"
			}
		}
	}
	if name == "" {
		return false
	}
	text := p.call(methods[name], v, name)
	if name == "GoString" {
		p.out.WriteString(text)
	} else {
		p.out.WriteString(fmt.Sprintf(p.leaf, text))
	}
	return true
}

// call runs an interpreted method, reporting a panic as fmt does.
func (p *printer) call(fn, v reflect.Value, name string) (text string) {
	defer func() {
		if r := recover(); r != nil {
			if v.Kind() == reflect.Ptr && v.IsNil() {
				text = "<nil>"
				return
			}
			text = fmt.Sprintf("%%!%c(PANIC=%s method: %v)", p.verb, name, r)
		}
	}()
	return fn.Call([]reflect.Value{v})[0].String()
}

// viaWrapper lets fmt print a value yaegi wrapped with its methods, when
// fmt would call one of them for this verb.
func (p *printer) viaWrapper(w, inner reflect.Value) bool {
	has := func(m string) bool { _, ok := w.Type().MethodByName(m); return ok }
	use := false
	switch {
	case has("Format"):
		use = true
	case p.sharpV:
		use = has("GoString")
	default:
		switch p.verb {
		case 'v', 's', 'x', 'X', 'q':
			use = has("Error") || has("String")
		}
	}
	if use {
		p.out.WriteString(fmt.Sprintf(p.directive, w.Interface()))
	}
	return use
}

// ambiguous says, once per type, that a basic value may have been of a
// cell type whose methods compiled Go would have called.
func (p *printer) ambiguous(v reflect.Value) {
	for _, n := range p.tab.lookup(v.Type()) {
		if len(n.value) > 0 {
			p.note(fmt.Sprintf("golab: the interpreter stores %s values as plain %s, so inside a slice, map, array or "+
				"interface it cannot tell them apart and printed %s values without calling %s's methods; compiled Go "+
				"calls them for the %s values. Print the values one at a time, or run the program as a whole "+
				"program (package main with func main), to see Go's output.\n",
				n.name, v.Type(), v.Type(), n.name, n.name))
			return
		}
	}
}

func (p *printer) printStruct(v reflect.Value, n *named, depth int, exported bool) {
	rt := v.Type()
	if p.sharpV {
		p.out.WriteString(p.typeName(rt, nil))
	}
	p.out.WriteByte('{')
	for i := 0; i < v.NumField(); i++ {
		if i > 0 {
			p.out.WriteString(p.separator())
		}
		name := fieldName(n, rt, i)
		if p.plusV || p.sharpV {
			p.out.WriteString(name + ":")
		}
		var h *hint
		if n != nil && i < len(n.fields) {
			h = n.fields[i].hint
		}
		p.print(fieldValue(v, i), h, depth+1, exported && isExported(name))
	}
	p.out.WriteByte('}')
}

// fieldValue is field i of v, readable even where the field is one of a
// compiled type's unexported ones (fmt prints those too).
func fieldValue(v reflect.Value, i int) reflect.Value {
	f := v.Field(i)
	if f.CanInterface() {
		return f
	}
	if f.CanAddr() {
		return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	f = c.Field(i)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

func isExported(name string) bool {
	return name != "" && strings.ToUpper(name[:1]) == name[:1] && name[0] != '_'
}

func (p *printer) printMap(v reflect.Value, n *named, h *hint, depth int, exported bool) {
	if p.sharpV {
		if v.IsNil() {
			p.out.WriteString(p.typeName(v.Type(), h) + "(nil)")
			return
		}
		p.out.WriteString(p.typeName(v.Type(), h) + "{")
	} else {
		p.out.WriteString("map[")
	}
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return compare(keys[i], keys[j]) < 0 })
	var kh, eh *hint
	if h != nil {
		kh, eh = h.key, h.elem
	}
	for i, k := range keys {
		if i > 0 {
			p.out.WriteString(p.separator())
		}
		p.print(k, kh, depth+1, exported)
		p.out.WriteByte(':')
		p.print(v.MapIndex(k), eh, depth+1, exported)
	}
	if p.sharpV {
		p.out.WriteByte('}')
	} else {
		p.out.WriteByte(']')
	}
}

// pointer prints a pointer, channel or function as fmt does: its address.
func (p *printer) pointer(v reflect.Value, h *hint) {
	if p.sharpV {
		p.out.WriteString("(" + p.typeName(v.Type(), h) + ")(")
		if v.IsNil() {
			p.out.WriteString("nil")
		} else {
			fmt.Fprintf(p.out, "%#x", v.Pointer())
		}
		p.out.WriteByte(')')
		return
	}
	if v.IsNil() && p.verb == 'v' {
		p.out.WriteString("<nil>")
		return
	}
	switch p.verb {
	case 'v', 'p':
		fmt.Fprintf(p.out, "%#x", v.Pointer())
	default:
		fmt.Fprintf(p.out, p.leaf, v.Pointer())
	}
}

// basic prints a bool, number or string with the directive.
func (p *printer) basic(v reflect.Value) {
	var x any
	switch v.Kind() {
	case reflect.Bool:
		x = v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x = v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x = v.Uint()
	case reflect.Float32:
		x = float32(v.Float())
	case reflect.Float64:
		x = v.Float()
	case reflect.Complex64:
		x = complex64(v.Complex())
	case reflect.Complex128:
		x = v.Complex()
	case reflect.String:
		x = v.String()
	default:
		fmt.Fprintf(p.out, "%%!%c(%s)", p.verb, v.Type())
		return
	}
	fmt.Fprintf(p.out, p.leaf, x)
}

// plain prints a value that holds no cell type. fmt prints it itself,
// except where compiled Go's fmt could not have called its methods (it
// was reached through an unexported field): then it is walked too.
func (p *printer) plain(v reflect.Value, depth int, exported bool) {
	if exported && v.CanInterface() {
		if depth > 0 && v.Kind() == reflect.Ptr && !v.IsNil() && !implementsAny(v.Type()) {
			p.pointer(v, nil) // fmt prints an inner pointer as an address
			return
		}
		p.out.WriteString(fmt.Sprintf(p.directive, v.Interface()))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		p.printStruct(v, nil, depth, false)
	case reflect.Map:
		p.printMap(v, nil, nil, depth, false)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 && p.verb != 'v' && p.verb != 'd' {
			fmt.Fprintf(p.out, p.leaf, v.Bytes())
			return
		}
		p.out.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				p.out.WriteString(p.separator())
			}
			p.plain(v.Index(i), depth+1, false)
		}
		p.out.WriteByte(']')
	case reflect.Interface:
		if v.IsNil() {
			p.out.WriteString("<nil>")
			return
		}
		p.plain(v.Elem(), depth+1, false)
	case reflect.Ptr, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		p.pointer(v, nil)
	default:
		p.basic(v)
	}
}

func implementsAny(rt reflect.Type) bool {
	return rt.Implements(errorType) || rt.Implements(stringerType) || rt.Implements(formatterType) || rt.Implements(goStringerType)
}

var (
	errorType      = reflect.TypeOf((*error)(nil)).Elem()
	stringerType   = reflect.TypeOf((*fmt.Stringer)(nil)).Elem()
	formatterType  = reflect.TypeOf((*fmt.Formatter)(nil)).Elem()
	goStringerType = reflect.TypeOf((*fmt.GoStringer)(nil)).Elem()
)

func elemHint(h *hint) *hint {
	if h == nil {
		return nil
	}
	return h.elem
}

// typeName is Go's name for a type, with the cells' type names.
func (p *printer) typeName(rt reflect.Type, h *hint) string {
	name, sure := typeString(p.tab, rt, h)
	if !sure {
		p.note(unsureNote("%#v", name, p.tab, rt))
	}
	return name
}

// typeString names rt as compiled Go would. sure is false when the
// interpreter lost which of several types it was.
func typeString(tab *table, rt reflect.Type, h *hint) (name string, sure bool) {
	if n := tab.resolve(h); n != nil && n.rtype == rt {
		return n.name, true
	}
	if list := tab.lookup(rt); len(list) > 0 {
		if rt.Kind() == reflect.Struct {
			return list[0].name, len(list) == 1
		}
		return rt.String(), false // it may be a value of a cell type over rt
	}
	if isYaegiInterface(rt) {
		return "interface {}", h == nil || !h.interfaced
	}
	switch rt.Kind() {
	case reflect.Ptr:
		s, ok := typeString(tab, rt.Elem(), elemHint(h))
		return "*" + s, ok
	case reflect.Slice:
		s, ok := typeString(tab, rt.Elem(), elemHint(h))
		return "[]" + s, ok
	case reflect.Array:
		s, ok := typeString(tab, rt.Elem(), elemHint(h))
		return "[" + strconv.Itoa(rt.Len()) + "]" + s, ok
	case reflect.Chan:
		s, ok := typeString(tab, rt.Elem(), elemHint(h))
		prefix := map[reflect.ChanDir]string{reflect.BothDir: "chan ", reflect.RecvDir: "<-chan ", reflect.SendDir: "chan<- "}[rt.ChanDir()]
		return prefix + s, ok
	case reflect.Map:
		var kh *hint
		if h != nil {
			kh = h.key
		}
		k, ok1 := typeString(tab, rt.Key(), kh)
		e, ok2 := typeString(tab, rt.Elem(), elemHint(h))
		return "map[" + k + "]" + e, ok1 && ok2
	case reflect.Func:
		sure = true
		var in, out []string
		for i := 0; i < rt.NumIn(); i++ {
			s, ok := typeString(tab, rt.In(i), nil)
			if rt.IsVariadic() && i == rt.NumIn()-1 {
				s = "..." + strings.TrimPrefix(s, "[]")
			}
			in, sure = append(in, s), sure && ok
		}
		for i := 0; i < rt.NumOut(); i++ {
			s, ok := typeString(tab, rt.Out(i), nil)
			out, sure = append(out, s), sure && ok
		}
		return funcType(in, out), sure
	case reflect.Struct:
		if !yaegiMade(rt) {
			return rt.String(), true
		}
		sure = !tab.generic
		var fields []string
		for i := 0; i < rt.NumField(); i++ {
			s, ok := typeString(tab, rt.Field(i).Type, nil)
			sure = sure && ok
			fields = append(fields, fieldName(nil, rt, i)+" "+s)
		}
		return "struct { " + strings.Join(fields, "; ") + " }", sure
	}
	return rt.String(), true
}

// compare orders map keys as fmt does: numbers by value, strings
// lexically, false before true, the rest field by field or by address.
func compare(a, b reflect.Value) int {
	if a.Kind() != b.Kind() {
		return strings.Compare(a.Kind().String(), b.Kind().String())
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp3(a.Int() < b.Int(), a.Int() > b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp3(a.Uint() < b.Uint(), a.Uint() > b.Uint())
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		return cmp3(x < y || x != x && y == y, x > y || y != y && x == x)
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Bool:
		return cmp3(!a.Bool() && b.Bool(), a.Bool() && !b.Bool())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if c := compare(fieldValue(a, i), fieldValue(b, i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if c := compare(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return cmp3(a.IsNil() && !b.IsNil(), !a.IsNil() && b.IsNil())
		}
		if c := strings.Compare(a.Elem().Type().String(), b.Elem().Type().String()); c != 0 {
			return c
		}
		return compare(a.Elem(), b.Elem())
	case reflect.Ptr, reflect.Chan, reflect.UnsafePointer:
		return cmp3(a.Pointer() < b.Pointer(), a.Pointer() > b.Pointer())
	}
	return 0
}

func cmp3(less, more bool) int {
	switch {
	case less:
		return -1
	case more:
		return 1
	}
	return 0
}

// isWrapper reports whether rt is one of yaegi's interface wrappers: a
// compiled struct whose first field, IValue, holds the interpreted value
// and whose other fields are its methods.
func isWrapper(rt reflect.Type) bool {
	return rt.Kind() == reflect.Struct && rt.NumField() > 0 && rt.Field(0).Name == "IValue" &&
		strings.HasPrefix(rt.PkgPath(), "github.com/traefik/yaegi")
}

// isYaegiInterface reports whether rt is how yaegi stores a value of an
// interface type declared in a cell.
func isYaegiInterface(rt reflect.Type) bool {
	return rt.Kind() == reflect.Struct && rt.Name() == "valueInterface" && rt.PkgPath() == "github.com/traefik/yaegi/interp"
}

// yaegiInterfaceValue is the value held in a yaegi interface value: its
// second field, a reflect.Value.
func yaegiInterfaceValue(v reflect.Value) reflect.Value {
	if v.Type().NumField() < 2 || v.Type().Field(1).Type != reflect.TypeOf(reflect.Value{}) {
		return reflect.Value{}
	}
	f := fieldValue(v, 1)
	inner := f.Interface().(reflect.Value)
	if inner.IsValid() && inner.Kind() == reflect.Interface {
		inner = inner.Elem()
	}
	return inner
}

// wrapperFit is what pointerMethodsOnly found.
type wrapperFit int

const (
	fitNone        wrapperFit = iota // no type of the notebook's has the methods on its pointer only
	fitPointerOnly                   // one type fits, and only its pointer has the methods
	fitUnsure                        // such a type fits, and so does another
)

// pointerMethodsOnly finds the struct type of the notebook's that a
// wrapped value is of, when yaegi gave the value's wrapper methods that
// only the type's pointer has (a String with a pointer receiver): Go's fmt
// calls no such method on the value.
func pointerMethodsOnly(tab *table, wrapper reflect.Type, inner reflect.Value) (*named, wrapperFit) {
	if !inner.IsValid() || inner.Kind() == reflect.Pointer {
		return nil, fitNone
	}
	var pointerOnly *named
	fits := 0
	for _, list := range tab.byType {
		for _, n := range list {
			if n.rtype.Kind() != reflect.Struct || n.rtype.NumField() == 0 || !hasAllMethods(n.pointer, wrapper) {
				continue
			}
			if n.rtype != inner.Type() && !hasFieldOfType(n.rtype, inner.Type()) {
				continue
			}
			fits++
			if !hasAllMethods(n.value, wrapper) && pointerOnly == nil {
				pointerOnly = n
			}
		}
	}
	switch {
	case pointerOnly == nil:
		return nil, fitNone
	case fits == 1:
		return pointerOnly, fitPointerOnly
	}
	return pointerOnly, fitUnsure
}

// hasFieldOfType reports whether a struct type has a field of type ft
// (yaegi puts one field of a struct value in its wrapper, not always the
// first).
func hasFieldOfType(st, ft reflect.Type) bool {
	for i := range st.NumField() {
		if st.Field(i).Type == ft {
			return true
		}
	}
	return false
}

// methodList names a wrapper's methods: "String", "String and Error".
func methodList(wrapper reflect.Type) string {
	var names []string
	for i := 1; i < wrapper.NumField(); i++ {
		names = append(names, strings.TrimPrefix(wrapper.Field(i).Name, "W"))
	}
	return strings.Join(names, " and ")
}

// wrapperTypes returns the cell types that a value in a yaegi wrapper
// with inner in it may have: those with all the wrapper's methods whose
// values look like inner (yaegi puts the last field of a struct in the
// wrapper, not the struct).
func wrapperTypes(tab *table, wrapper reflect.Type, inner reflect.Value) []*named {
	var fits []*named
	for _, list := range tab.byType {
		for _, n := range list {
			if !hasAllMethods(n.value, wrapper) {
				continue
			}
			switch {
			case n.rtype == inner.Type():
			case n.rtype.Kind() == reflect.Struct && n.rtype.NumField() > 0 && inner.IsValid():
			default:
				continue
			}
			fits = append(fits, n)
		}
	}
	sort.Slice(fits, func(i, j int) bool { return fits[i].order > fits[j].order })
	return fits
}

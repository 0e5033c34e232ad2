package goprint

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/interp/stop"
)

// Sprintf is fmt.Sprintf for the interpreter's values.
func (t *Types) Sprintf(format string, a ...any) string {
	format, a = t.prepare(format, a, false)
	return fmt.Sprintf(format, a...)
}

// Sprint is fmt.Sprint for the interpreter's values.
func (t *Types) Sprint(a ...any) string { return fmt.Sprint(t.wrapAll(a)...) }

// Sprintln is fmt.Sprintln for the interpreter's values.
func (t *Types) Sprintln(a ...any) string { return fmt.Sprintln(t.wrapAll(a)...) }

// Errorf is fmt.Errorf for the interpreter's values; the errors it wraps
// with %w are passed on untouched, so errors.Is and errors.As find them.
func (t *Types) Errorf(format string, a ...any) error {
	format, a = t.prepare(format, a, true)
	return fmt.Errorf(format, a...)
}

// wrapAll replaces the arguments that need the walker, for %v.
func (t *Types) wrapAll(a []any) []any {
	tab := t.load()
	var out []any
	for i, x := range a {
		if x != nil && tab.needsWalk(reflect.TypeOf(x)) {
			if out == nil {
				out = append([]any(nil), a...)
			}
			out[i] = value{tab: tab, t: t, v: reflect.ValueOf(x)}
		}
	}
	if out == nil {
		return a
	}
	return out
}

// prepare rewrites a format and its arguments: arguments that need the
// walker are wrapped, and each %T whose argument holds a cell type
// becomes a %s of the type's Go name (fmt handles %T itself, before any
// Formatter could).
func (t *Types) prepare(format string, a []any, errorf bool) (string, []any) {
	tab := t.load()
	uses := argumentVerbs(format, len(a))
	var out []any
	copyArgs := func() {
		if out == nil {
			out = append([]any(nil), a...)
		}
	}
	var typeArgs map[int]bool
	for i, x := range a {
		if x == nil || !tab.needsWalk(reflect.TypeOf(x)) {
			continue
		}
		verbs := uses[i]
		switch {
		case len(verbs) == 1 && verbs[0].verb == 'T':
			copyArgs()
			out[i] = t.typeOfArgument(tab, x)
			if typeArgs == nil {
				typeArgs = map[int]bool{}
			}
			typeArgs[i] = true
		case containsVerb(verbs, 'p', '*') || errorf && containsVerb(verbs, 'w'):
			// fmt needs the value itself.
		default:
			copyArgs()
			out[i] = value{tab: tab, t: t, v: reflect.ValueOf(x)}
		}
	}
	if out == nil {
		return format, a
	}
	if typeArgs != nil {
		format = rewriteTypeVerbs(format, len(a), typeArgs)
	}
	return format, out
}

// typeOfArgument is Go's name for the type of x.
func (t *Types) typeOfArgument(tab *table, x any) string {
	rt := reflect.TypeOf(x)
	if isWrapper(rt) {
		inner := reflect.ValueOf(x).Field(0)
		if inner.Kind() == reflect.Interface {
			inner = inner.Elem()
		}
		fits := wrapperTypes(tab, rt, inner)
		if len(fits) == 1 {
			return fits[0].name
		}
		if len(fits) > 1 && t.Note != nil {
			names := make([]string, len(fits))
			for i, n := range fits {
				names[i] = n.name
			}
			t.Note(fmt.Sprintf("golab: %%T printed %s, but the interpreter cannot tell which of %s the value is: compiled Go may print another of these names. Run the program as a whole program (package main with func main) to see Go's answer.\n",
				fits[0].name, strings.Join(names, ", ")))
		}
		if len(fits) > 0 {
			return fits[0].name
		}
		rt = inner.Type()
	}
	name, sure := typeString(tab, rt, nil)
	if !sure && t.Note != nil {
		t.Note(unsureNote("%T", name, tab, rt))
	}
	return name
}

// unsureNote explains that verb printed name, which compiled Go may not.
func unsureNote(verb, name string, tab *table, rt reflect.Type) string {
	return fmt.Sprintf("golab: %s printed the type %s, but the interpreter stores values of some of this notebook's "+
		"types (%s) the same way, so it cannot always tell which one a value had: compiled Go may print another "+
		"name here. Run the program as a whole program (package main with func main) to see Go's answer.\n",
		verb, name, strings.Join(candidates(tab, rt), ", "))
}

func candidates(tab *table, rt reflect.Type) []string {
	var names []string
	for rt != nil {
		for _, n := range tab.lookup(rt) {
			names = append(names, n.name)
		}
		switch rt.Kind() {
		case reflect.Ptr, reflect.Slice, reflect.Array, reflect.Chan, reflect.Map:
			rt = rt.Elem()
		default:
			rt = nil
		}
	}
	if len(names) == 0 {
		names = []string{"generic or unnamed struct types"}
	}
	return names
}

func hasAllMethods(methods map[string]reflect.Value, wrapper reflect.Type) bool {
	for i := 1; i < wrapper.NumField(); i++ {
		name := strings.TrimPrefix(wrapper.Field(i).Name, "W")
		if _, ok := methods[name]; !ok {
			return false
		}
	}
	return true
}

// use is one directive's use of an argument.
type use struct {
	verb       rune // the directive's verb, or '*' for a width or precision
	start, end int  // the directive's bytes in the format
}

// argumentVerbs reads a format as fmt does and returns, for each of n
// arguments, the directives that use it.
func argumentVerbs(format string, n int) [][]use {
	uses := make([][]use, n)
	arg := 0
	add := func(u use) {
		if arg >= 0 && arg < n {
			uses[arg] = append(uses[arg], u)
		}
		arg++
	}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		start := i
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		index := func() {
			if i < len(format) && format[i] == '[' {
				if end := strings.IndexByte(format[i:], ']'); end > 0 {
					if k, err := strconv.Atoi(format[i+1 : i+end]); err == nil && k >= 1 {
						arg = k - 1
					}
					i += end + 1
				}
			}
		}
		// A width or a precision: an argument ('*') or digits.
		number := func() {
			index()
			if i < len(format) && format[i] == '*' {
				add(use{verb: '*', start: start})
				i++
			}
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
		}
		number()
		if i < len(format) && format[i] == '.' {
			i++
			number()
		}
		index()
		if i >= len(format) {
			break
		}
		verb := rune(format[i])
		if verb == '%' {
			continue
		}
		add(use{verb: verb, start: start, end: i + 1})
	}
	return uses
}

func containsVerb(uses []use, verbs ...rune) bool {
	for _, u := range uses {
		for _, v := range verbs {
			if u.verb == v {
				return true
			}
		}
	}
	return false
}

// rewriteTypeVerbs turns the %T directives of the given arguments into %s.
func rewriteTypeVerbs(format string, n int, args map[int]bool) string {
	uses := argumentVerbs(format, n)
	b := []byte(format)
	for i := range args {
		for _, u := range uses[i] {
			if u.verb == 'T' {
				b[u.end-1] = 's'
			}
		}
	}
	return string(b)
}

// As is errors.As for the interpreter's values: yaegi's error values of
// cell types are wrapped in a compiled type errors.As cannot match.
func (t *Types) As(err error, target any) bool {
	if target == nil {
		panic("errors: target cannot be nil")
	}
	tv := reflect.ValueOf(target)
	if tv.Kind() != reflect.Ptr || tv.IsNil() {
		panic("errors: target must be a non-nil pointer")
	}
	want := tv.Type().Elem()
	if isYaegiInterface(want) {
		panic("golab: errors.As into a variable of an interface type declared in a cell is not supported by the " +
			"interpreter (it cannot tell which errors implement it); use a concrete error type, or run the program " +
			"as a whole program (package main with func main)")
	}
	if want.Kind() == reflect.Interface || want.Implements(errorType) {
		if errors.As(err, target) {
			return true
		}
	}
	tab := t.load()
	for e := err; e != nil; e = t.unwrap(e) {
		inner := unwrapped(e)
		if inner.IsValid() && inner.Type().AssignableTo(want) {
			tv.Elem().Set(inner)
			return true
		}
		if isWrapper(reflect.TypeOf(e)) && want.Kind() == reflect.Struct && len(tab.lookup(want)) > 0 && inner.IsValid() && inner.Type() != want {
			// yaegi keeps only the methods and one field of a struct
			// error stored by value: it may be a want, but cannot be set.
			panic(fmt.Sprintf("golab: errors.As cannot find an error of type %s stored by value: the interpreter keeps only "+
				"its methods. Give the type a pointer receiver (func (e *%s) Error() string) and return a pointer, "+
				"or run the program as a whole program (package main with func main)",
				tab.lookup(want)[0].name, tab.lookup(want)[0].local))
		}
	}
	return false
}

// Unwrap is errors.Unwrap for the interpreter's values: it follows a cell
// type's Unwrap method.
func (t *Types) Unwrap(err error) error { return t.unwrap(err) }

// Is is errors.Is for the interpreter's values: yaegi's wrappers of cell
// errors hold functions, so errors.Is can never compare them.
func (t *Types) Is(err, target error) bool {
	if errors.Is(err, target) {
		return true
	}
	want := unwrapped(target)
	if !want.IsValid() || !want.Type().Comparable() {
		return false
	}
	for e := err; e != nil; e = t.unwrap(e) {
		if got := unwrapped(e); got.IsValid() && got.Type() == want.Type() && got.Interface() == want.Interface() {
			return true
		}
	}
	return false
}

// unwrap is errors.Unwrap, which also follows a cell type's Unwrap method.
func (t *Types) unwrap(err error) error {
	inner := unwrapped(err)
	if inner.IsValid() {
		tab := t.load()
		var methods map[string]reflect.Value
		if inner.Kind() == reflect.Ptr {
			if list := tab.lookup(inner.Type().Elem()); len(list) > 0 {
				methods = list[0].pointer
			}
		} else if list := tab.lookup(inner.Type()); len(list) > 0 {
			methods = list[0].value
		}
		if fn, ok := methods["Unwrap"]; ok {
			out := fn.Call([]reflect.Value{inner})[0]
			if out.IsNil() {
				return nil
			}
			e, _ := out.Interface().(error)
			return e
		}
	}
	return errors.Unwrap(err)
}

// unwrapped is the value inside one of yaegi's wrappers, or the value.
func unwrapped(err error) reflect.Value {
	v := reflect.ValueOf(err)
	if v.IsValid() && isWrapper(v.Type()) {
		v = v.Field(0)
		if v.Kind() == reflect.Interface {
			v = v.Elem()
		}
	}
	return v
}

// nilDereference is the value Go's runtime panics with on a nil pointer
// dereference (a runtime.Error of the runtime's own type), taken from a
// real one.
var nilDereference = func() (err runtime.Error) {
	defer func() { err, _ = recover().(runtime.Error) }()
	var p *struct{ n int }
	_ = p.n
	return nil
}()

// Recovered is what recover should have returned for v, the value yaegi's
// recover gave: yaegi hands over a reflect.Value holding the panic value,
// and reports its own runtime errors (a failed type assertion) as errors
// whose text starts with the cell position, "22:7: interface conversion:
// …", where Go's runtime error reads "interface conversion: …".
func (t *Types) Recovered(v any) any {
	if stop.Is(v) {
		// An interrupt's unwinding is golab's, not the program's: it goes on.
		panic(stop.Signal)
	}
	if rv, ok := v.(reflect.Value); ok {
		if !rv.IsValid() || !rv.CanInterface() {
			return nil
		}
		v = rv.Interface()
	}
	if text := fmt.Sprint(v); strings.HasPrefix(text, "reflect: call of reflect.Value.") && strings.HasSuffix(text, " on zero Value") {
		// yaegi's nil pointer dereference: Go recovers a runtime.Error.
		if plain, ok := failure.GoPanicText(text); ok && plain == nilDereference.Error() {
			return nilDereference
		}
	}
	if s, ok := v.(string); ok && strings.HasPrefix(s, "reflect: ") && strings.Contains(s, "out of range") && t.Note != nil {
		t.Note("golab: a recovered index or slice out-of-range panic reads \"" + s + "\" in the interpreter, where compiled Go's " +
			"reads \"runtime error: index out of range [i] with length n\".\n")
	}
	err, ok := v.(error)
	if !ok || err == nil {
		return v
	}
	rt := reflect.TypeOf(err)
	if rt.Kind() == reflect.Ptr {
		rt = rt.Elem()
	}
	if rt.PkgPath() != "github.com/traefik/yaegi/interp" {
		return v
	}
	msg := err.Error()
	if m := cellPosition.FindString(msg); m != "" {
		msg = msg[len(m):]
	}
	return runtimeError(msg)
}

// cellPosition is the "line:column: " yaegi puts before its errors.
var cellPosition = regexp.MustCompile(`^\d+:\d+: `)

// runtimeError is a run-time panic of an interpreted cell, as Go's
// runtime.Error.
type runtimeError string

func (e runtimeError) Error() string { return string(e) }

// RuntimeError marks it as a runtime.Error.
func (e runtimeError) RuntimeError() {}

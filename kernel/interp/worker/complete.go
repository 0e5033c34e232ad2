package worker

import (
	"context"
	"fmt"
	"os/exec"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/traefik/yaegi/stdlib"

	"github.com/golab-notebooks/golab/kernel/interp/cell"
	helpers "github.com/golab-notebooks/golab/runtime"
	"github.com/golab-notebooks/golab/runtime/symbols"
)

var builtins = []string{
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min",
	"new", "panic", "print", "println", "real", "recover",
	"bool", "byte", "complex128", "complex64", "error", "float32", "float64", "int", "int16", "int32",
	"int64", "int8", "rune", "string", "uint", "uint16", "uint32", "uint64", "uint8", "uintptr", "any",
	"true", "false", "nil", "iota",
}

// packages maps an import path to its exported symbols, for every package a
// cell can import: the standard library and golab's helpers.
var packages = func() map[string]map[string]reflect.Value {
	out := map[string]map[string]reflect.Value{}
	for _, table := range []map[string]map[string]reflect.Value{stdlib.Symbols, symbols.ShortPaths()} {
		for key, syms := range table {
			out[path.Dir(key)] = syms
		}
	}
	return out
}()

// packageNames maps an import path to the package's name.
var packageNames = func() map[string]string {
	out := map[string]string{}
	for _, table := range []map[string]map[string]reflect.Value{stdlib.Symbols, symbols.ShortPaths()} {
		for key := range table {
			out[path.Dir(key)] = path.Base(key)
		}
	}
	return out
}()

// importName is the name an import binds: its alias, or the package name.
func importName(alias, importPath string) string {
	if alias != "" {
		return alias
	}
	if name, ok := packageNames[importPath]; ok {
		return name
	}
	return path.Base(importPath)
}

// packagePathNamed returns the standard library or golab package with this
// name, for a "did you forget to import" hint, or "".
func packagePathNamed(name string) string {
	best := ""
	for p, n := range packageNames {
		if n == name && (best == "" || len(p) < len(best)) {
			best = p
		}
	}
	return best
}

// word finds the identifier around byte offset pos in code, and the
// identifier before it when they are joined by a dot ("fmt.Pri" gives
// qualifier "fmt", name "Pri"). end extends past pos when extend is set.
func word(code string, pos int, extend bool) (qualifier, name string, start, end int) {
	pos = max(0, min(pos, len(code)))
	isIdent := func(r byte) bool {
		return r == '_' || r >= 0x80 || unicode.IsLetter(rune(r)) || unicode.IsDigit(rune(r))
	}
	start = pos
	for start > 0 && isIdent(code[start-1]) {
		start--
	}
	end = pos
	if extend {
		for end < len(code) && isIdent(code[end]) {
			end++
		}
	}
	name = code[start:end]
	if start > 0 && code[start-1] == '.' {
		q := start - 1
		for q > 0 && isIdent(code[q-1]) {
			q--
		}
		qualifier = code[q : start-1]
	}
	return qualifier, name, start, end
}

// openParen returns the position of the innermost parenthesis still open
// before pos on its line, or -1.
func openParen(code string, pos int) int {
	pos = max(0, min(pos, len(code)))
	depth := 0
	for i := pos - 1; i >= 0 && code[i] != '\n'; i-- {
		switch code[i] {
		case ')':
			depth++
		case '(':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// keywords are Go's keywords, offered as completions.
var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for",
	"func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return",
	"select", "struct", "switch", "type", "var",
}

// Completion kinds, named as JupyterLab's completer shows them.
const (
	kindKeyword  = "keyword"
	kindFunction = "function"
	kindType     = "class"
	kindValue    = "instance"
	kindPackage  = "module"
)

// complete lists the names that can complete the identifier before cursor,
// and the kind of each (for the completer's icons).
func (w *Worker) complete(code string, cursor int) ([]string, map[string]string, int, int) {
	qualifier, prefix, start, end := word(code, cursor, false)
	kinds := map[string]string{}
	add := func(name, kind string) {
		if _, ok := kinds[name]; !ok {
			kinds[name] = kind
		}
	}
	if qualifier != "" {
		if syms := w.packageNamed(qualifier); syms != nil {
			for name, v := range syms {
				add(name, symbolKind(v))
			}
		} else if v, ok := w.globals()[qualifier]; ok && v.IsValid() {
			for _, m := range members(v.Type()) {
				add(m, kindFunction)
			}
		}
	} else {
		for _, k := range keywords {
			add(k, kindKeyword)
		}
		for _, b := range builtins {
			add(b, kindFunction)
		}
		for _, d := range w.defs.all() {
			switch d.Kind {
			case cell.Func:
				add(d.Name, kindFunction)
			case cell.Type:
				add(d.Name, kindType)
			case cell.Var, cell.Const:
				add(d.Name, kindValue)
			}
		}
		for name := range w.globals() {
			if !strings.HasPrefix(name, "__golab") {
				add(name, kindValue)
			}
		}
		for p := range packages {
			add(path.Base(p), kindPackage)
		}
	}
	var matches []string
	for name := range kinds {
		if strings.HasPrefix(name, prefix) {
			matches = append(matches, name)
		}
	}
	sort.Strings(matches)
	return matches, kinds, start, end
}

// symbolKind says what a package symbol is: a function, a type (yaegi
// exports types as nil pointers) or a value.
func symbolKind(v reflect.Value) string {
	switch {
	case v.Kind() == reflect.Func:
		return kindFunction
	case v.Kind() == reflect.Pointer && v.IsNil():
		return kindType
	}
	return kindValue
}

// members lists the exported fields and methods of a type and its pointer.
func members(t reflect.Type) []string {
	var out []string
	for _, tt := range []reflect.Type{t, reflect.PointerTo(t)} {
		for i := 0; i < tt.NumMethod(); i++ {
			out = append(out, tt.Method(i).Name)
		}
	}
	if t.Kind() == reflect.Struct {
		for i := 0; i < t.NumField(); i++ {
			if f := t.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

// packageNamed finds the symbols of the package a cell refers to by name,
// preferring one the cells imported.
func (w *Worker) packageNamed(name string) map[string]reflect.Value {
	for p, syms := range packages {
		if path.Base(p) == name && (strings.HasPrefix(p, "golab/") || !strings.Contains(p, ".")) {
			if w.imported(p) {
				return syms
			}
		}
	}
	for p, syms := range packages {
		if path.Base(p) == name {
			return syms
		}
	}
	return nil
}

func (w *Worker) imported(p string) bool {
	return w.defs.importsPath(p)
}

// inspect describes the identifier at cursor: its signature, its
// documentation when a Go toolchain is installed, or the cell source that
// defined it.
func (w *Worker) inspect(code string, cursor, detail int) (bool, map[string]any) {
	qualifier, name, _, _ := word(code, cursor, true)
	if name == "" {
		// Inside a call's arguments, as after typing "race.NewModel(":
		// describe the function called, as other kernels do.
		if open := openParen(code, cursor); open >= 0 {
			qualifier, name, _, _ = word(code, open, false)
		}
	}
	if name == "" {
		return false, nil
	}
	var text string
	switch {
	case qualifier != "" && w.packageNamed(qualifier) != nil:
		syms := w.packageNamed(qualifier)
		v, ok := syms[name]
		if !ok {
			return false, nil
		}
		text = describeSymbol(qualifier+"."+name, v)
		pkgPath := ""
		for p, s := range packages {
			if reflect.ValueOf(s).Pointer() == reflect.ValueOf(syms).Pointer() {
				pkgPath = p
			}
		}
		if doc := goDoc(pkgPath, name); doc != "" {
			text += "\n\n" + doc
		}
	case qualifier == "":
		if d, ok := w.defs.value(name); ok {
			text = fmt.Sprintf("%s %s, defined in a cell:\n\n%s", d.Kind, name, d.Source)
		} else if d, ok := w.defs.typ(name); ok {
			text = fmt.Sprintf("type %s, defined in a cell:\n\n%s", name, d.Source)
		}
		if v, ok := w.globals()[name]; ok && v.IsValid() {
			if text == "" {
				text = fmt.Sprintf("%s: %s", name, v.Type())
			}
			if v.CanInterface() && v.Kind() != reflect.Func {
				text += fmt.Sprintf("\n\ncurrent value: %v", v.Interface())
			}
		}
		if text == "" {
			if pkg := w.packageNamed(name); pkg != nil {
				text = "package " + name
			}
		}
	}
	if text == "" {
		return false, nil
	}
	return true, map[string]any{"text/plain": text}
}

func describeSymbol(name string, v reflect.Value) string {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Func:
		return "func " + name + strings.TrimPrefix(t.String(), "func")
	case t.Kind() == reflect.Pointer && v.IsNil():
		return "type " + name + " " + t.Elem().Kind().String()
	default:
		return name + " " + t.String()
	}
}

// goDoc returns `go doc` output for a symbol, or "" when no toolchain or
// documentation is at hand.
func goDoc(pkgPath, name string) string {
	if pkgPath == "" {
		return ""
	}
	for _, prefix := range []string{"golab/", "github.com/golab-notebooks/golab/runtime/"} {
		if rest, ok := strings.CutPrefix(pkgPath, prefix); ok {
			return helpers.Doc(rest, name) // embedded: no toolchain or source needed
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "doc", pkgPath+"."+name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

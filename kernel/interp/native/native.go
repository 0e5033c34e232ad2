// Package native runs a cell's pure functions at compiled speed, with the
// notebook's state kept: the %compile magic. The Go toolchain builds the
// functions as a plugin (go build -buildmode=plugin), the worker opens it
// and binds each function into the interpreter, where later cells, and
// earlier functions that call it, reach the compiled code.
//
// Only functions that need nothing of the interpreter qualify: basic
// types, strings, slices, maps and arrays of them in their signatures, an
// allowlist of standard packages, no goroutines, channels, printing or
// notebook variables. Concurrency stays interpreted, where golab's race,
// deadlock and leak tooling sees it.
//
// A plugin is built once for its content (and this toolchain and build's
// flags) and kept in the user's cache directory, so a new worker, after a
// restart, opens it again in milliseconds. Plugins need cgo, the same Go
// toolchain and the same build flags as the golab binary that opens them,
// and Linux, macOS or FreeBSD; where that is not so, Unavailable says why
// and the cell runs interpreted.
package native

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Magic is the first line of a cell whose functions are compiled.
const Magic = "%compile"

// ImportPrefix starts the import path under which a plugin's functions are
// bound in the interpreter: ImportPrefix + the unit's hash.
const ImportPrefix = "golab.compiled/c"

// Unit is a %compile cell made ready to build: the plugin's source, the
// functions it exports and the interpreted declarations that call them.
type Unit struct {
	// Funcs are the functions the cell declares, in source order.
	Funcs []Func
	// Consts are the cell's constant declarations, which the interpreter
	// declares too, for later cells and the wrappers' signatures.
	Consts []Const
	// Source is the plugin's main.go: the cell's own lines, at their cell
	// line numbers, and what binds them.
	Source string
	// Hash names the unit by its source: the plugin's module path ends
	// with it, so that two contents never share a plugin path, which the
	// Go runtime refuses.
	Hash string
}

// Func is one function of a unit.
type Func struct {
	Name string
	Line int // cell line of its declaration
	// Signature is its parameters and results, as a declaration writes
	// them after the name: "(p0 int) int".
	Signature string
	// Call is how the interpreted wrapper calls it with its parameters:
	// "(p0)" or "(p0...)" for a variadic one.
	Call    string
	Results bool
}

// Const is one constant declaration of a unit, as the cell writes it.
type Const struct {
	Line   int
	Source string
}

// ImportPath is the path under which the unit's functions are bound.
func (u *Unit) ImportPath() string { return ImportPrefix + u.Hash }

// PackageName is the name the wrappers import the unit's package as.
func (u *Unit) PackageName() string { return "golab_c" + u.Hash }

// Import is the import declaration of the unit's package, under
// PackageName, that Wrappers needs.
func (u *Unit) Import() string { return fmt.Sprintf("import %s %q", u.PackageName(), u.ImportPath()) }

// Exported is the name under which a function is bound in the unit's
// package (the interpreter, like Go, reaches only exported names).
func Exported(name string) string { return "F_" + name }

// Wrappers returns the interpreted declarations that make the unit's
// functions the notebook's: for each function, a declaration of its name
// that calls the compiled one (in the package Import brings), on the line
// of the cell where the function is declared, so that the interpreter's
// account of a panic or an interrupt names that line. Every later cell,
// and every earlier function (rebound by the worker), calls the compiled
// code through them.
func (u *Unit) Wrappers() string {
	var lines []string
	put := func(line int, decl string) {
		for len(lines) < line {
			lines = append(lines, "")
		}
		if lines[line-1] != "" {
			decl = lines[line-1] + "; " + decl
		}
		lines[line-1] = decl
	}
	// The constants as the cell declares them (a block spans its lines).
	for _, c := range u.Consts {
		for i, l := range strings.Split(c.Source, "\n") {
			if i > 0 {
				put(c.Line+i, "")
			}
			put(c.Line+i, l)
		}
	}
	for _, f := range u.Funcs {
		ret := ""
		if f.Results {
			ret = "return "
		}
		put(f.Line, fmt.Sprintf("func %s%s { %s%s.%s%s }", f.Name, f.Signature, ret, u.PackageName(), Exported(f.Name), f.Call))
	}
	return strings.Join(lines, "\n") + "\n"
}

// hashOf names a source by its content.
func hashOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Package generics holds Go source for generic standard library functions
// that yaegi v0.16.1 lacks (slices.Sort, maps.Keys, sync.OnceValue, ...).
// A compiled package cannot hand the interpreter a generic function, so
// these are given to it as source, which it instantiates itself.
//
// The sources live in the subdirectories as ordinary Go packages, so they
// are compiled and tested against the standard library like any other code.
package generics

import (
	_ "embed"
	"strings"
)

var (
	//go:embed slices/slices.go
	slicesSource string
	//go:embed extra/extra.go
	extraSource string
)

// Package is the name under which the interpreter knows package extra:
// the stand-ins that rewritten cells call (see kernel/cell).
const Package = "__golab_generics"

// Sources returns the source files to compile into an interpreter after
// yaegi's standard library symbols are loaded: they add to its "slices"
// package and define package Package.
func Sources() []string {
	return []string{
		slicesSource,
		strings.Replace(extraSource, "package extra\n", "package "+Package+"\n", 1),
	}
}

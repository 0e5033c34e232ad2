// Package symbols exposes the golab helper packages to the yaegi
// interpreter, so that a cell can `import "golab/display"` and call compiled
// code.
//
// The tables in the generated files are made by `go generate` with yaegi's
// extract command; each package is registered under its module path and
// under the short path cells use ("golab/<name>").
package symbols

//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/display
//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/chart
//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/timeline
//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/race
//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/timing
//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/safe
//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/check
//go:generate go run github.com/traefik/yaegi/cmd/yaegi@v0.16.1 extract github.com/golab-notebooks/golab/runtime/proc

import (
	"reflect"
	"strings"
)

// modulePrefix is the import path prefix of the helper packages.
const modulePrefix = "github.com/golab-notebooks/golab/runtime/"

// Symbols is the yaegi symbol table of the helper packages, keyed by
// "import/path/packagename" as interp.Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// ShortPaths returns the table under the short import paths cells use:
// "golab/display/display" for "github.com/golab-notebooks/golab/runtime/display".
func ShortPaths() map[string]map[string]reflect.Value {
	out := make(map[string]map[string]reflect.Value, len(Symbols))
	for key, syms := range Symbols {
		out[key] = syms
		if rest, ok := strings.CutPrefix(key, modulePrefix); ok {
			out["golab/"+rest] = syms
		}
	}
	return out
}

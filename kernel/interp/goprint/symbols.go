package goprint

import (
	"fmt"
	"io"
	"log"
	"os"
	"reflect"

	"github.com/traefik/yaegi/interp"
)

// RecoveredPath is the import path under which Symbols gives cells'
// rewritten recover calls the function Recovered.
const RecoveredPath = "golab.internal/goprint"

// Symbols returns the interpreter symbols that replace fmt's and log's
// printing functions and errors.As/Is with ones that know the cells'
// types. Printing to the standard streams goes to stdout and stderr, as
// yaegi's own replacements do. Load it with interp.Use after the standard
// library.
func (t *Types) Symbols(stdout, stderr io.Writer) interp.Exports {
	logger := log.New(stderr, "", log.LstdFlags)
	logFatal := func(s string) {
		_ = logger.Output(3, s)
		os.Exit(1)
	}
	logPanic := func(s string) {
		_ = logger.Output(3, s)
		panic(s)
	}
	fmtSymbols := map[string]any{
		"Print":    func(a ...any) (int, error) { return fmt.Fprint(stdout, t.wrapAll(a)...) },
		"Println":  func(a ...any) (int, error) { return fmt.Fprintln(stdout, t.wrapAll(a)...) },
		"Printf":   func(format string, a ...any) (int, error) { return io.WriteString(stdout, t.Sprintf(format, a...)) },
		"Sprint":   t.Sprint,
		"Sprintln": t.Sprintln,
		"Sprintf":  t.Sprintf,
		"Fprint":   func(w io.Writer, a ...any) (int, error) { return fmt.Fprint(w, t.wrapAll(a)...) },
		"Fprintln": func(w io.Writer, a ...any) (int, error) { return fmt.Fprintln(w, t.wrapAll(a)...) },
		"Fprintf": func(w io.Writer, format string, a ...any) (int, error) {
			return io.WriteString(w, t.Sprintf(format, a...))
		},
		"Append":   func(b []byte, a ...any) []byte { return fmt.Append(b, t.wrapAll(a)...) },
		"Appendln": func(b []byte, a ...any) []byte { return fmt.Appendln(b, t.wrapAll(a)...) },
		"Appendf":  func(b []byte, format string, a ...any) []byte { return append(b, t.Sprintf(format, a...)...) },
		"Errorf":   t.Errorf,
	}
	logSymbols := map[string]any{
		"Print":   func(a ...any) { _ = logger.Output(2, t.Sprint(a...)) },
		"Println": func(a ...any) { _ = logger.Output(2, t.Sprintln(a...)) },
		"Printf":  func(format string, a ...any) { _ = logger.Output(2, t.Sprintf(format, a...)) },
		// As in Go (and yaegi's unrestricted log), Fatal ends the process.
		"Fatal":     func(a ...any) { logFatal(t.Sprint(a...)) },
		"Fatalln":   func(a ...any) { logFatal(t.Sprintln(a...)) },
		"Fatalf":    func(format string, a ...any) { logFatal(t.Sprintf(format, a...)) },
		"Panic":     func(a ...any) { logPanic(t.Sprint(a...)) },
		"Panicln":   func(a ...any) { logPanic(t.Sprintln(a...)) },
		"Panicf":    func(format string, a ...any) { logPanic(t.Sprintf(format, a...)) },
		"Flags":     logger.Flags,
		"SetFlags":  logger.SetFlags,
		"Prefix":    logger.Prefix,
		"SetPrefix": logger.SetPrefix,
		"Writer":    logger.Writer,
		"SetOutput": logger.SetOutput,
		"Output":    logger.Output,
	}
	// yaegi wraps the arguments of the functions in MapTypes that have
	// one of these methods, so that fmt can call them.
	wrapped := []reflect.Type{formatterType, errorType, stringerType, goStringerType}
	mapTypes := map[reflect.Value][]reflect.Type{}
	exports := interp.Exports{}
	// The path is "fmt/./fmt", not "fmt/fmt": yaegi reinstalls its own
	// Print, Printf and Println over any table whose key is "fmt/fmt".
	for path, table := range map[string]map[string]any{"fmt/./fmt": fmtSymbols, "log/./log": logSymbols} {
		symbols := map[string]reflect.Value{}
		for name, fn := range table {
			v := reflect.ValueOf(fn)
			symbols[name] = v
			if v.Type().IsVariadic() {
				mapTypes[v] = wrapped
			}
		}
		exports[path] = symbols
	}
	exports["errors/errors"] = map[string]reflect.Value{"As": reflect.ValueOf(t.As), "Is": reflect.ValueOf(t.Is), "Unwrap": reflect.ValueOf(t.Unwrap)}
	exports[RecoveredPath+"/goprint"] = map[string]reflect.Value{"Recovered": reflect.ValueOf(t.Recovered)}
	exports["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}
	return exports
}

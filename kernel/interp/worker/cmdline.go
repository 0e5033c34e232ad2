package worker

import (
	"flag"
	"os"
	"reflect"

	"github.com/traefik/yaegi/interp"
)

// What cells see of the command line: os.Args as they set it, and flag
// parsing it.

// sharedCommandLine gives cells one command line, the process's, as a
// program has: yaegi's os.Args is a copy of its own that the compiled flag
// package never reads, so os.Args = []string{"prog", "-n", "3"} and then
// flag.Parse() parsed the worker's own arguments (flag.Args() was
// [worker]). The worker process starts cells on a fresh command line
// (see cellCommandLine).
func sharedCommandLine() interp.Exports {
	return interp.Exports{
		"os/os":     {"Args": reflect.ValueOf(&os.Args).Elem()},
		"flag/flag": {"CommandLine": reflect.ValueOf(&flag.CommandLine).Elem()},
	}
}

// cellCommandLine makes the process's command line the one a cell starts
// with: os.Args is ["cell"] (the worker has read its own arguments), and
// flag.CommandLine a fresh set whose bad flag is a panic in the cell, not
// the worker's exit.
func cellCommandLine() {
	os.Args = []string{"cell"}
	flag.CommandLine = flag.NewFlagSet("cell", flag.PanicOnError)
}

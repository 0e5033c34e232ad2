package server

import (
	"os/exec"
	"strings"
	"testing"
)

// The kernel process (this package and the supervisor) never parses Go
// nor loads the interpreter: the worker process does both. A kernel that
// loaded them would start slower and grow by megabytes for nothing, and
// two processes would again word the same facts.
func TestKernelProcessDoesNotLoadTheInterpreterSide(t *testing.T) {
	forbidden := []string{
		"github.com/golab-notebooks/golab/kernel/cell",
		"github.com/golab-notebooks/golab/kernel/worker",
		"github.com/traefik/yaegi/interp",
		"go/types",
		"go/parser",
	}
	for _, pkg := range []string{".", "../supervisor"} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", pkg).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", pkg, err)
			}
			deps := strings.Fields(string(out))
			for _, dep := range deps {
				for _, f := range forbidden {
					if dep == f {
						t.Errorf("%s depends on %s", pkg, f)
					}
				}
			}
			if len(deps) < 10 {
				t.Fatalf("go list -deps %s listed only %v", pkg, deps)
			}
		})
	}
}

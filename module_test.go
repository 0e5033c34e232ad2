package main

import (
	"io/fs"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/gobuild"
)

// The binary must embed every file gobuild builds the helpers from.
func TestHelperModuleHoldsTheHelperSources(t *testing.T) {
	for _, name := range []string{"go.mod", "go.sum", "runtime/race/histogram.go", "internal/outlet/program.go"} {
		if _, err := fs.Stat(helperModule, name); err != nil {
			t.Errorf("%s is not embedded: %v", name, err)
		}
	}
	for _, pattern := range gobuild.SourcePatterns {
		if m, err := fs.Glob(helperModule, pattern); err != nil || len(m) == 0 {
			t.Errorf("nothing embedded matches %s (%v)", pattern, err)
		}
	}
}

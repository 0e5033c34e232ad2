package protocol

import (
	"os/exec"
	"strings"
	"testing"
)

func TestMarkers(t *testing.T) {
	if got, want := SyncMarker("tok", 12), "\x00golab:tok:sync:12\x00"; got != want {
		t.Errorf("SyncMarker = %q, want %q", got, want)
	}
	if m := Marker("tok", "frame", "3:5: panic: f"); !strings.HasPrefix(m, MarkerPrefix("tok")) || !strings.HasSuffix(m, "\x00") {
		t.Errorf("Marker %q does not start with MarkerPrefix or end with NUL", m)
	}
}

func TestGoPanicText(t *testing.T) {
	tests := []struct {
		said, want string
		known      bool
	}{
		{"reflect: slice index out of range", "runtime error: index out of range", true},
		{"reflect: call of reflect.Value.Elem on zero Value", "runtime error: invalid memory address or nil pointer dereference", true},
		{"assignment to entry in nil map", "assignment to entry in nil map", true},
		{"boom", "", false},
	}
	for _, tt := range tests {
		got, known := GoPanicText(tt.said)
		if got != tt.want || known != tt.known {
			t.Errorf("GoPanicText(%q) = %q, %v; want %q, %v", tt.said, got, known, tt.want, tt.known)
		}
	}
}

// TestTheJupyterSideDoesNotLoadTheInterpreter keeps the kernel process's
// packages apart from the worker's: they speak this package, so the
// Jupyter side does not depend on yaegi, gonum or the cell rewriter.
func TestTheJupyterSideDoesNotLoadTheInterpreter(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list dependencies")
	}
	for _, pkg := range []string{"kernel/server", "kernel/supervisor", "kernel/notebook"} {
		out, err := exec.Command("go", "list", "-deps", "github.com/golab-notebooks/golab/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.Contains(dep, "yaegi") || strings.HasSuffix(dep, "/kernel/worker") || strings.Contains(dep, "gonum") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

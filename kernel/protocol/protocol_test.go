package protocol

import (
	"encoding/json"
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

// TestTheJupyterSideDoesNotLoadTheInterpreter keeps the kernel process's
// packages apart from the worker's: they speak this package, so the
// Jupyter side loads neither yaegi, gonum nor the cell rewriter, and never
// parses Go (the worker answers is_complete, and says what cells declare).
func TestTheJupyterSideDoesNotLoadTheInterpreter(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list dependencies")
	}
	forbidden := func(dep string) bool {
		return strings.Contains(dep, "yaegi") || strings.Contains(dep, "gonum") ||
			strings.HasSuffix(dep, "/kernel/interp/worker") || strings.HasSuffix(dep, "/kernel/interp/cell") ||
			dep == "go/types" || dep == "go/parser"
	}
	for _, pkg := range []string{"kernel/jupyter/server", "kernel/jupyter/supervisor", "kernel/teach/notebook", "kernel/teach/runner"} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "github.com/golab-notebooks/golab/"+pkg).Output()
			if err != nil {
				t.Fatalf("go list %s: %v", pkg, err)
			}
			deps := strings.Fields(string(out))
			if len(deps) < 10 {
				t.Fatalf("go list -deps %s listed only %v", pkg, deps)
			}
			for _, dep := range deps {
				if forbidden(dep) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		})
	}
}

// A user expression's JSON has the fields Jupyter's execute_reply gives
// for its status: metadata is an object even when empty.
func TestUserExpressionJSON(t *testing.T) {
	tests := []struct {
		u    UserExpression
		want string
	}{
		{UserExpression{Status: StatusOK, Data: map[string]any{"text/plain": "2"}}, `{"status":"ok","data":{"text/plain":"2"},"metadata":{}}`},
		{UserExpression{Status: StatusError, Name: "error", Value: "undefined: x", Traceback: []string{"undefined: x"}}, `{"status":"error","ename":"error","evalue":"undefined: x","traceback":["undefined: x"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.u.Status, func(t *testing.T) {
			b, err := json.Marshal(tt.u)
			if err != nil || string(b) != tt.want {
				t.Errorf("json.Marshal = %s, %v; want %s", b, err, tt.want)
			}
		})
	}
}

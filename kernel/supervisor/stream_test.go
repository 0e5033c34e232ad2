package supervisor

import (
	"strings"
	"testing"
)

// What the stderr reader holds back as a crash report, and what it lets
// through as the cell's own text, whatever pieces the pipe delivers.
func TestCrashReportIsFoundInAnyPieces(t *testing.T) {
	report := "runtime: goroutine stack exceeds 268435456-byte limit\nruntime: sp=0x1 stack=[0x1, 0x2]\nfatal error: stack overflow\n\ngoroutine 1 [running]:\n"
	cases := []struct {
		name       string
		text       string
		wantCrash  string
		wantPlain  string
		releasable bool // releaseHeldText lets it go: no goroutine traces
	}{
		{"stack overflow", "before\n" + report, report, "before\n", false},
		{"panic", "x\npanic: boom\n\ngoroutine 5 [running]:\n", "panic: boom\n\ngoroutine 5 [running]:\n", "x\n", false},
		{"out of memory", "runtime: out of memory: cannot allocate 1-byte block\nfatal error: out of memory\n\ngoroutine 1 [running]:\n",
			"runtime: out of memory: cannot allocate 1-byte block\nfatal error: out of memory\n\ngoroutine 1 [running]:\n", "", false},
		{"a cell's own panic: line", "panic: input file missing\n", "panic: input file missing\n", "", true},
		{"not at a line start", "no panic: here\n", "", "no panic: here\n", false},
	}
	for _, c := range cases {
		for _, piece := range []int{1, 3, 16, 1 << 20} {
			s := newStreams("token")
			for i := 0; i < len(c.text); i += piece {
				s.text(stderr, []byte(c.text[i:min(i+piece, len(c.text))]))
			}
			var plain strings.Builder
			for _, ch := range s.pending[stderr] {
				plain.Write(ch.b)
			}
			if string(s.crash) != c.wantCrash || plain.String()+string(s.headPart) != c.wantPlain {
				t.Errorf("%s in pieces of %d: crash %q, plain %q; want %q, %q", c.name, piece, s.crash, plain.String()+string(s.headPart), c.wantCrash, c.wantPlain)
			}
			s.releaseHeldText()
			if released := !s.crashing; c.wantCrash != "" && released != c.releasable {
				t.Errorf("%s: released %v, want %v", c.name, released, c.releasable)
			}
		}
	}
}

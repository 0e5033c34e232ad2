package supervisor

import (
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/worker"
)

// TestMarkersSplitAnywhere feeds a stream with text and markers cut at
// every possible byte, as pipe reads may cut them, and checks that the
// text comes out whole and the markers are all seen.
func TestMarkersSplitAnywhere(t *testing.T) {
	const token = "0123456789abcdef"
	data := "before\n" + worker.SyncMarker(token, 1) + "middle\x00not a marker\n" +
		worker.Marker(token, "frame", "3:5: panic: main.f(...)") + worker.SyncMarker("othertoken000000", 9) +
		"after\n" + worker.SyncMarker(token, 2)
	wantText := "before\nmiddle\x00not a marker\n" + worker.SyncMarker("othertoken000000", 9) + "after\n"
	for cut := 0; cut <= len(data); cut++ {
		s := newStreams(token)
		s.release()
		var got strings.Builder
		s.sink = &Sink{Stream: func(_, text string) { got.WriteString(text) }}
		carry := s.parse(stdout, []byte(data[:cut]))
		carry = s.parse(stdout, append(carry, data[cut:]...))
		if len(carry) > 0 {
			s.text(stdout, carry)
		}
		s.flush()
		if got.String() != wantText {
			t.Fatalf("cut at %d: text %q, want %q", cut, got.String(), wantText)
		}
		if s.passed[stdout] != 2 || len(s.frames) != 1 {
			t.Fatalf("cut at %d: passed %d, frames %v", cut, s.passed[stdout], s.frames)
		}
	}
}

func TestCrashReportIsHeldBack(t *testing.T) {
	tests := []struct {
		name, in, shown, crash string
	}{
		{"panic after text", "working\npanic: boom\n\ngoroutine 7 [running]:\n", "working\n", "panic: boom\n\ngoroutine 7 [running]:\n"},
		{"fatal error", "fatal error: concurrent map writes\n", "", "fatal error: concurrent map writes\n"},
		{"panic mid-line is text", "no panic: here\n", "no panic: here\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStreams("t")
			s.release()
			var shown strings.Builder
			s.sink = &Sink{Stream: func(_, text string) { shown.WriteString(text) }}
			s.text(stderr, []byte(tt.in))
			s.flush()
			crash, _ := s.takeCrash()
			if shown.String() != tt.shown || crash != tt.crash {
				t.Errorf("shown %q crash %q, want %q and %q", shown.String(), crash, tt.shown, tt.crash)
			}
		})
	}
}

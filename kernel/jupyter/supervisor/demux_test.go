package supervisor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// splitAll feeds data to a demux in reads of the given sizes (cycled) and
// returns the text and the markers as "kind:payload".
func splitAll(token string, data []byte, sizes []int) (text []byte, markers []string) {
	d := demux{prefix: []byte(protocol.MarkerPrefix(token))}
	for i := 0; len(data) > 0; i++ {
		n := min(max(sizes[i%len(sizes)], 1), len(data))
		for _, p := range d.split(data[:n]) {
			if p.kind == "" {
				text = append(text, p.text...)
			} else {
				markers = append(markers, p.kind+":"+p.payload)
			}
		}
		data = data[n:]
	}
	return append(text, d.rest()...), markers
}

func TestDemuxInReadsOfAnySize(t *testing.T) {
	const token = "t0k"
	own := func(kind, payload string) string { return protocol.Marker(token, kind, payload) }
	tests := []struct {
		name, in, text string
		markers        []string
	}{
		{"text only", "hello\nworld\n", "hello\nworld\n", nil},
		{"markers between text", "a" + own("sync", "3") + "b" + own("from", "7") + "c\n", "abc\n", []string{"sync:3", "from:7"}},
		{"another token's marker is text", "x" + protocol.Marker("other", "sync", "1") + "y", "x" + protocol.Marker("other", "sync", "1") + "y", nil},
		{"a frame with colons in its payload", own("frame", "3:5: panic: main.f(...)"), "", []string{"frame:3:5: panic: main.f(...)"}},
		{"a start with no end is text at the end of the stream", "out\x00golab:" + token + ":sync:", "out\x00golab:" + token + ":sync:", nil},
		{"a start with no end for 4 KiB is text", "\x00golab:" + strings.Repeat("z", 5000) + own("sync", "9"), "\x00golab:" + strings.Repeat("z", 5000), []string{"sync:9"}},
		{"a NUL in text", "a\x00b", "a\x00b", nil},
	}
	for _, tt := range tests {
		for _, sizes := range [][]int{{1 << 20}, {1}, {2, 3}, {7}, {13, 1, 5}} {
			text, markers := splitAll(token, []byte(tt.in), sizes)
			if string(text) != tt.text || strings.Join(markers, "|") != strings.Join(tt.markers, "|") {
				t.Errorf("%s, reads of %v: text %q markers %q; want %q %q", tt.name, sizes, text, markers, tt.text, tt.markers)
			}
		}
	}
}

// FuzzDemux: whatever the worker's output and however it is read, the
// text that comes out is the input without the worker's own markers, and
// the markers come out in order: no byte of the cell's output is lost.
func FuzzDemux(f *testing.F) {
	const token = "t0k"
	f.Add([]byte("hello"), []byte{3})
	f.Add([]byte("a\x00golab:t0k:sync:1\x00b\x00golab:x"), []byte{1, 2})
	f.Fuzz(func(t *testing.T, in []byte, cuts []byte) {
		sizes := []int{len(in) + 1}
		if len(cuts) > 0 {
			sizes = sizes[:0]
			for _, c := range cuts {
				sizes = append(sizes, int(c))
			}
		}
		text, markers := splitAll(token, in, sizes)
		whole, wholeMarkers := splitAll(token, in, []int{len(in) + 1})
		if !bytes.Equal(text, whole) || strings.Join(markers, "\n") != strings.Join(wholeMarkers, "\n") {
			t.Fatalf("reads of %v give %q %q; one read gives %q %q", sizes, text, markers, whole, wholeMarkers)
		}
		// Putting the markers back where the text was cut gives the input
		// back; here it is enough that no text byte was invented or lost.
		if len(text) > len(in) {
			t.Fatalf("more text (%d bytes) than input (%d)", len(text), len(in))
		}
		if len(markers) == 0 && !bytes.Equal(text, in) {
			t.Fatalf("no markers, but text %q is not the input %q", text, in)
		}
	})
}

package supervisor

import (
	"bytes"
	"strings"
)

// demux splits a stream of the worker's output into the text the cell
// wrote and the worker's markers ("\x00golab:TOKEN:kind:payload\x00"), as
// bytes arrive in reads of any size: a marker cut across two reads is kept
// until its end comes. It holds no lock and calls nothing: what each piece
// means is the streams' business.
type demux struct {
	prefix []byte // the worker's marker prefix, with its token
	carry  []byte // the start of what may be a marker, from the last read
}

// piece is text, or one of the worker's markers (kind != "").
type piece struct {
	text    []byte
	kind    string // "sync", "frame", "from", "plain"
	payload string
}

// markerStart begins every marker; only those with the worker's token are
// its own.
const markerStart = "\x00golab:"

// maxMarker bounds a marker: a start with no end within it was text.
const maxMarker = 4096

// split returns the pieces of data, after what earlier reads left.
func (d *demux) split(data []byte) []piece {
	data = append(d.carry, data...)
	d.carry = nil
	var out []piece
	text := func(b []byte) {
		if len(b) == 0 {
			return
		}
		if n := len(out); n > 0 && out[n-1].kind == "" {
			out[n-1].text = append(out[n-1].text, b...)
			return
		}
		out = append(out, piece{text: append([]byte(nil), b...)})
	}
	for len(data) > 0 {
		i := bytes.Index(data, []byte(markerStart))
		if i < 0 {
			keep := partialSuffix(data, []byte(markerStart))
			text(data[:len(data)-keep])
			d.carry = append([]byte(nil), data[len(data)-keep:]...)
			return out
		}
		text(data[:i])
		data = data[i:]
		end := bytes.IndexByte(data[1:], 0)
		if end < 0 {
			if len(data) > maxMarker { // not a marker after all
				text(data)
				return out
			}
			d.carry = append([]byte(nil), data...)
			return out
		}
		marker := data[:end+2]
		if !bytes.HasPrefix(marker, d.prefix) {
			// Someone else's bytes that only look like a marker: its NUL
			// is text, and the search goes on after it, since the NUL that
			// seems to end it may start a real marker.
			text(data[:1])
			data = data[1:]
			continue
		}
		data = data[end+2:]
		kind, payload, _ := strings.Cut(string(marker[len(d.prefix):len(marker)-1]), ":")
		out = append(out, piece{kind: kind, payload: payload})
	}
	return out
}

// rest returns what the stream left unfinished at its end: text.
func (d *demux) rest() []byte {
	r := d.carry
	d.carry = nil
	return r
}

// partialSuffix returns the length of the longest suffix of data that is
// a proper prefix of marker.
func partialSuffix(data, marker []byte) int {
	for k := min(len(marker)-1, len(data)); k > 0; k-- {
		if bytes.HasSuffix(data, marker[:k]) {
			return k
		}
	}
	return 0
}

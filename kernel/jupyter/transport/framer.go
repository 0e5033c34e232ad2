package transport

import "encoding/binary"

// ZMTP 3 frame flags.
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// greetingSize is the length of the ZMTP 3 greeting each side sends first.
const greetingSize = 64

// frameHeader describes one ZMTP frame.
type frameHeader struct {
	command bool   // a command (READY, …), not part of a message
	more    bool   // more frames of the same message follow
	first   bool   // the first frame of a message
	size    uint64 // body length
}

// framer follows one direction of a ZMTP 3 byte stream: the 64-byte
// greeting, then frames, each a flags byte, a 1- or 8-byte size and a
// body. It can see the stream in pieces of any size.
type framer struct {
	greetLeft int    // greeting bytes still to come
	hdr       []byte // the header of the next frame, as far as it has come
	bodyLeft  uint64 // body bytes of the current frame still to come
	keeping   bool   // the current frame's bytes are kept
	inMessage bool   // the last data frame had MORE: the next one continues it
	commands  int    // command frames seen
}

func newFramer() *framer {
	return &framer{greetLeft: greetingSize, keeping: true, hdr: make([]byte, 0, 9)}
}

// feed walks p. onHeader is called for each complete frame header and says
// whether the frame is kept; keep (if not nil) receives, in order, the
// bytes of the greeting and of kept frames. An error from onHeader stops
// the walk.
func (f *framer) feed(p []byte, onHeader func(frameHeader) (bool, error), keep func([]byte)) error {
	pass := func(b []byte) {
		if keep != nil && len(b) > 0 {
			keep(b)
		}
	}
	for len(p) > 0 {
		switch {
		case f.greetLeft > 0:
			n := min(f.greetLeft, len(p))
			pass(p[:n])
			f.greetLeft -= n
			p = p[n:]
		case f.bodyLeft > 0:
			n := min(uint64(len(p)), f.bodyLeft)
			if f.keeping {
				pass(p[:n])
			}
			f.bodyLeft -= n
			p = p[n:]
		case len(f.hdr) == 0:
			f.hdr = append(f.hdr, p[0])
			p = p[1:]
		default:
			need := 2
			if f.hdr[0]&flagLong != 0 {
				need = 9
			}
			take := min(need-len(f.hdr), len(p))
			f.hdr = append(f.hdr, p[:take]...)
			p = p[take:]
			if len(f.hdr) < need {
				continue
			}
			h := frameHeader{
				command: f.hdr[0]&flagCommand != 0,
				more:    f.hdr[0]&flagMore != 0,
				size:    uint64(f.hdr[1]),
			}
			if need == 9 {
				h.size = binary.BigEndian.Uint64(f.hdr[1:9])
			}
			if h.command {
				f.commands++
			} else {
				h.first = !f.inMessage
				f.inMessage = h.more
			}
			keepIt, err := onHeader(h)
			if err != nil {
				return err
			}
			f.keeping = keepIt
			if keepIt {
				pass(f.hdr)
			}
			f.bodyLeft = h.size
			f.hdr = f.hdr[:0]
		}
	}
	return nil
}

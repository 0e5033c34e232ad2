package supervisor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// limiter caps how much of a cell's output is sent to the notebook, text
// and displays together; the rest goes to a file in the kernel's private
// directory, and a notice says where, so nothing is lost silently. The file is bounded too: it keeps the
// first and the last part of the rest, and says how much was dropped
// between them.
type limiter struct {
	max     int64  // bytes the notebook shows
	saveMax int64  // bytes the file keeps (0: 64 MiB)
	dir     string // where the file goes ("": the system's temporary directory)

	shown   int64
	dropped int64 // bytes not shown
	saved   int64 // bytes written to the file's head
	tail    []byte
	tailAt  int   // next write position in tail, once it is full
	skipped int64 // bytes neither shown nor saved
	file    *os.File
	fileErr error

	displaysHeld int   // displays (display_data) not shown
	displayBytes int64 // their size, counted in dropped too
}

// admitDisplay reports whether a display may go to the notebook. A new
// display (display_data) counts against the cell's limit as text does, and
// after the first that does not fit none is shown: the notebook keeps each
// one. An update replaces a display in place, so it only has to fit the
// limit itself; a clear always goes. A display held back is saved to the
// overflow file as JSON.
func (l *limiter) admitDisplay(out protocol.Output) bool {
	if l == nil || out.Kind == "clear" {
		return true
	}
	raw, err := json.Marshal(out.Data)
	if err != nil {
		raw = []byte(fmt.Sprintf("%q", fmt.Sprint(out.Data)))
	}
	n := int64(len(raw))
	if out.Kind == "update" {
		if n <= l.max {
			return true
		}
	} else if room := l.max - l.shown; n <= room {
		l.shown += n
		return true
	} else {
		l.max = l.shown // nothing more after the first overflow
	}
	l.displaysHeld++
	l.displayBytes += n
	l.dropped += n
	l.save(fmt.Appendf(nil, "\n[golab: a %s of %s not shown: %s]\n", displayKind(out.Kind), size(n), raw))
	return false
}

func displayKind(kind string) string {
	if kind == "update" {
		return "display update"
	}
	return "display"
}

func (l *limiter) admit(b []byte) []byte {
	if l == nil {
		return b
	}
	room := l.max - l.shown
	if room >= int64(len(b)) {
		l.shown += int64(len(b))
		return b
	}
	if room < 0 {
		room = 0
	}
	shown, rest := b[:room], b[room:]
	// Cut at a line end so the notebook does not show half a line.
	if i := bytes.LastIndexByte(shown, '\n'); i >= 0 {
		shown, rest = b[:i+1], b[i+1:]
	}
	l.shown += int64(len(shown))
	l.max = l.shown // nothing more after the first overflow
	l.dropped += int64(len(rest))
	l.save(rest)
	return shown
}

// save keeps b in the overflow file's head while there is room, and the
// latest bytes after that in a tail buffer written at the end.
func (l *limiter) save(b []byte) {
	if l.saveMax <= 0 {
		l.saveMax = 64 << 20
	}
	if l.file == nil && l.fileErr == nil {
		l.file, l.fileErr = os.CreateTemp(l.dir, "golab-output-*.txt") // mode 0600
	}
	headMax := l.saveMax - l.saveMax/4
	if n := min(int64(len(b)), headMax-l.saved); n > 0 && l.file != nil {
		if _, err := l.file.Write(b[:n]); err != nil && l.fileErr == nil {
			l.fileErr = err
		}
		l.saved += n
		b = b[n:]
	}
	tailMax := int(l.saveMax / 4)
	for len(b) > 0 {
		if len(l.tail) < tailMax {
			n := min(len(b), tailMax-len(l.tail))
			l.tail = append(l.tail, b[:n]...)
			b = b[n:]
			continue
		}
		// Full: overwrite the oldest bytes, as a ring.
		n := min(len(b), tailMax-l.tailAt)
		copy(l.tail[l.tailAt:], b[:n])
		l.skipped += int64(n)
		l.tailAt = (l.tailAt + n) % tailMax
		b = b[n:]
	}
}

// notice describes what was held back, writes the file's tail and closes
// it, or returns "" when nothing was held back.
func (l *limiter) notice() string {
	if l == nil || l.dropped == 0 {
		return ""
	}
	msg := fmt.Sprintf("\n[golab] This cell printed %s more than the notebook shows (the limit is %s per cell).",
		size(l.dropped), size(l.shown))
	if l.displaysHeld > 0 {
		msg = fmt.Sprintf("\n[golab] This cell's output came to %s more than the notebook shows (the limit is %s per cell, text and displays together): %d display(s) of %s were not shown.",
			size(l.dropped), size(l.shown), l.displaysHeld, size(l.displayBytes))
	}
	if l.file != nil {
		tail := append(append([]byte(nil), l.tail[l.tailAt:]...), l.tail[:l.tailAt]...)
		if l.skipped > 0 {
			fmt.Fprintf(l.file, "\n[golab: %d bytes (%s) of output were dropped here]\n", l.skipped, size(l.skipped))
		}
		if _, err := l.file.Write(tail); err != nil && l.fileErr == nil {
			l.fileErr = err
		}
		if l.skipped > 0 {
			msg += fmt.Sprintf(" The first %s and the last %s of the rest are in %s; %s between them were dropped.",
				size(l.saved), size(int64(len(tail))), l.file.Name(), size(l.skipped))
		} else {
			msg += fmt.Sprintf(" The rest is in %s.", l.file.Name())
		}
		msg += " (The file is removed when the kernel shuts down.)"
		if err := l.file.Close(); err != nil && l.fileErr == nil {
			l.fileErr = err
		}
		if l.fileErr != nil {
			msg += fmt.Sprintf(" (Writing it failed: %v.)", l.fileErr)
		}
	} else if l.fileErr != nil {
		msg += fmt.Sprintf(" It could not be saved: %v.", l.fileErr)
	}
	return msg + "\n"
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

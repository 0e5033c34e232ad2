// Package limits holds the bounds that keep one runaway cell or one
// misbehaving client from taking down the kernel, the machine or the other
// clients: how much memory the worker may use, how large a message may be,
// how much output is kept, how many requests may wait.
//
// Each has a default and an environment variable (a kernelspec's "env"
// sets them for one kernel; see FromEnv).
package limits

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Limits are the kernel's bounds. The zero value of a field means its
// default (see WithDefaults).
type Limits struct {
	// WorkerMemory is the most memory, in bytes, the worker that runs
	// cells may use (GOLAB_MEMORY_LIMIT_MB; default 2048 MiB). A cell
	// that needs more ends with a message that says so. Negative means
	// no limit.
	WorkerMemory int64
	// MaxMessage is the largest Jupyter message a client may send, in
	// bytes (GOLAB_MAX_MESSAGE_MB; default 64 MiB).
	MaxMessage int64
	// OutputShown is how many bytes of a cell's stream output go to the
	// notebook (GOLAB_OUTPUT_LIMIT_MB; default 8 MiB).
	OutputShown int64
	// OutputSaved is how many more bytes are saved to the cell's overflow
	// file, split between the first and the last part of the rest
	// (GOLAB_OUTPUT_SAVED_MB; default 64 MiB).
	OutputSaved int64
	// QueuedPerClient is how many shell requests one client may have
	// waiting; more are answered with an error (default 10000).
	QueuedPerClient int
	// Restore is how long a new worker may take to restore earlier cells'
	// declarations before golab gives up on them (default 5 s).
	Restore time.Duration
}

// Default values.
const (
	DefaultWorkerMemory    = 2048 << 20
	DefaultMaxMessage      = 64 << 20
	DefaultOutputShown     = 8 << 20
	DefaultOutputSaved     = 64 << 20
	DefaultQueuedPerClient = 10000
	DefaultRestore         = 5 * time.Second
)

// WithDefaults fills the zero fields with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.WorkerMemory == 0 {
		l.WorkerMemory = DefaultWorkerMemory
	}
	if l.MaxMessage <= 0 {
		l.MaxMessage = DefaultMaxMessage
	}
	if l.OutputShown <= 0 {
		l.OutputShown = DefaultOutputShown
	}
	if l.OutputSaved <= 0 {
		l.OutputSaved = DefaultOutputSaved
	}
	if l.QueuedPerClient <= 0 {
		l.QueuedPerClient = DefaultQueuedPerClient
	}
	if l.Restore <= 0 {
		l.Restore = DefaultRestore
	}
	return l
}

// FromEnv reads the limits set in the environment and fills in the rest
// with the defaults. A value that is not a number is an error that names
// the variable.
func FromEnv() (Limits, error) {
	var l Limits
	for _, v := range []struct {
		name string
		to   *int64
		// canBeOff: only the memory limit can be lifted; a message, the
		// output shown and the output saved are always bounded.
		canBeOff bool
	}{
		{"GOLAB_MEMORY_LIMIT_MB", &l.WorkerMemory, true},
		{"GOLAB_MAX_MESSAGE_MB", &l.MaxMessage, false},
		{"GOLAB_OUTPUT_LIMIT_MB", &l.OutputShown, false},
		{"GOLAB_OUTPUT_SAVED_MB", &l.OutputSaved, false},
	} {
		s := strings.TrimSpace(os.Getenv(v.name))
		if s == "" {
			continue
		}
		if s == "off" || s == "none" {
			if !v.canBeOff {
				return l, fmt.Errorf("%s=%q: this limit cannot be turned off; want a number of MiB", v.name, s)
			}
			*v.to = -1
			continue
		}
		mb, err := strconv.ParseFloat(s, 64)
		if err != nil || mb <= 0 {
			want := "a number of MiB"
			if v.canBeOff {
				want += ` (or "off")`
			}
			return l, fmt.Errorf("%s=%q: want %s", v.name, s, want)
		}
		*v.to = int64(mb * (1 << 20))
	}
	return l.WithDefaults(), nil
}

// MiB formats a byte count in MiB, as the messages say it.
func MiB(n int64) string {
	return fmt.Sprintf("%d MiB", (n+(1<<19))>>20)
}

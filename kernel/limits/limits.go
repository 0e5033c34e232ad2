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
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/internal/cgroup"
)

// Limits are the kernel's bounds. The zero value of a field means its
// default (see WithDefaults).
type Limits struct {
	// WorkerMemory is the most memory, in bytes, the worker that runs
	// cells may use. A cell that needs more ends with a message that says
	// so. Negative means no limit. FromEnv takes it, in order, from
	// GOLAB_MEMORY_LIMIT_MB, from MEM_LIMIT (which JupyterHub's spawners
	// set from mem_limit), from the container's memory limit (cgroup), less
	// a margin so that golab's message comes before the system's
	// out-of-memory killer, or else 2048 MiB.
	WorkerMemory int64
	// MemoryFrom says where WorkerMemory came from, for the message of a
	// cell that used too much ("" for golab's default).
	MemoryFrom string
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
	// IdleOutputHold is how long after a cell ends the output of the
	// goroutines it left running still goes to the notebook while no cell
	// runs; after that it is held, and the next cell says how much
	// (GOLAB_IDLE_OUTPUT_HOLD, a duration such as "10m", or "off";
	// default 10 minutes). A server counts as active whenever a kernel
	// sends output, so without the hold a goroutine left printing would
	// keep an idle student's server from ever being culled. Negative
	// means never.
	IdleOutputHold time.Duration
}

// Default values.
const (
	DefaultWorkerMemory    = 2048 << 20
	DefaultMaxMessage      = 64 << 20
	DefaultOutputShown     = 8 << 20
	DefaultOutputSaved     = 64 << 20
	DefaultQueuedPerClient = 10000
	DefaultRestore         = 5 * time.Second
	DefaultIdleOutputHold  = 10 * time.Minute
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
	if l.IdleOutputHold == 0 {
		l.IdleOutputHold = DefaultIdleOutputHold
	}
	return l
}

// FromEnv reads the limits set in the environment and fills in the rest
// with the defaults. A value that is not a number is an error that names
// the variable.
func FromEnv() (Limits, error) {
	return fromEnv("/")
}

// fromEnv is FromEnv with the cgroup file system under root.
func fromEnv(root string) (Limits, error) {
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
	if s := strings.TrimSpace(os.Getenv("GOLAB_IDLE_OUTPUT_HOLD")); s != "" {
		d, err := time.ParseDuration(s)
		switch {
		case s == "off" || s == "none":
			l.IdleOutputHold = -1
		case err != nil || d <= 0:
			return l, fmt.Errorf("GOLAB_IDLE_OUTPUT_HOLD=%q: want a duration such as 10m (or \"off\")", s)
		default:
			l.IdleOutputHold = d
		}
	}
	if l.WorkerMemory != 0 {
		l.MemoryFrom = "GOLAB_MEMORY_LIMIT_MB"
	} else if host, from := hostMemory(root); host > 0 {
		l.WorkerMemory = withMargin(host)
		l.MemoryFrom = fmt.Sprintf("%s (%s), less a margin for the kernel", from, MiB(host))
	}
	return l.WithDefaults(), nil
}

// hostMemory returns the memory the host gives this process, in bytes,
// and where it says so: MEM_LIMIT (JupyterHub's mem_limit, in bytes), or
// the smallest limit of the process's cgroup and its parents; 0 when
// there is none.
func hostMemory(root string) (int64, string) {
	if s := strings.TrimSpace(os.Getenv("MEM_LIMIT")); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n, "MEM_LIMIT, JupyterHub's mem_limit"
		}
	}
	if n := cgroupMemory(root); n > 0 {
		return n, "the container's memory limit"
	}
	return 0, ""
}

// withMargin is the worker's share of a memory limit the kernel process,
// the Jupyter server and the system share: 80% of it, and at least 150
// MiB below it, so that golab ends a hungry cell before the out-of-memory
// killer ends the server; never under half of it.
func withMargin(limit int64) int64 {
	return max(min(limit*8/10, limit-150<<20), limit/2)
}

// cgroupMemory reads the memory limit of this process's cgroup and its
// parents (v2 memory.max, v1 memory.limit_in_bytes), the smallest, in
// bytes, or 0 when there is none.
func cgroupMemory(root string) int64 {
	var limit int64
	for _, dir := range cgroup.Dirs(root, "memory", "memory") {
		for _, name := range []string{"memory.max", "memory.limit_in_bytes"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				continue
			}
			n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
			if err != nil || n <= 0 || n >= 1<<60 { // "max", or v1's "no limit" (a huge number)
				continue
			}
			if limit == 0 || n < limit {
				limit = n
			}
		}
	}
	return limit
}

// MiB formats a byte count in MiB, as the messages say it.
func MiB(n int64) string {
	return fmt.Sprintf("%d MiB", (n+(1<<19))>>20)
}

package timing

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/internal/cgroup"
)

// CPU is how many goroutines this process can really run at the same
// instant, and what limits it: a speedup beyond Usable is impossible, and
// on one CPU goroutines take turns.
type CPU struct {
	// Usable is the smallest of the limits below that apply.
	Usable float64
	// GOMAXPROCS is Go's limit (runtime.GOMAXPROCS(0)); Go 1.25 and later
	// set it from the others.
	GOMAXPROCS int
	// Affinity is how many CPUs the process may run on (taskset, a
	// container's cpuset); 0 when unknown.
	Affinity int
	// Quota is the CPU time the process's cgroup may use, in CPUs (a
	// container's or JupyterHub's cpu_limit); 0 when there is none.
	Quota float64
	// Machine is how many CPUs the machine has online.
	Machine int
}

// CPUs reads what this process may use.
func CPUs() CPU {
	c := CPU{GOMAXPROCS: runtime.GOMAXPROCS(0), Affinity: affinity(), Quota: cgroupQuota("/"), Machine: onlineCPUs()}
	if c.Machine == 0 {
		c.Machine = runtime.NumCPU()
	}
	c.Usable = float64(c.GOMAXPROCS)
	if c.Affinity > 0 {
		c.Usable = math.Min(c.Usable, float64(c.Affinity))
	}
	if c.Quota > 0 {
		c.Usable = math.Min(c.Usable, c.Quota)
	}
	return c
}

// String says in a sentence how many CPUs the process may use and why,
// and what that means for a speedup.
func (c CPU) String() string {
	var why []string
	if c.Quota > 0 && c.Quota <= c.Usable {
		why = append(why, "its container's CPU quota is "+cpus(c.Quota))
	}
	if c.Affinity > 0 && float64(c.Affinity) <= c.Usable && c.Affinity < c.Machine {
		why = append(why, fmt.Sprintf("taskset or a cpuset lets it run on %d of the machine's %d", c.Affinity, c.Machine))
	}
	if float64(c.GOMAXPROCS) <= c.Usable && len(why) == 0 && c.GOMAXPROCS < c.Machine {
		why = append(why, fmt.Sprintf("GOMAXPROCS=%d", c.GOMAXPROCS))
	}
	s := "this kernel may use " + cpus(c.Usable)
	if len(why) > 0 {
		s += " (" + strings.Join(why, "; ") + ")"
	}
	if c.Usable < 1.5 {
		return s + ": its goroutines take turns on it, so no speedup beyond 1× is possible"
	}
	return s + fmt.Sprintf(": no speedup beyond %.3g× is possible", c.Usable)
}

// cpus says a number of CPUs: "1 CPU", "2 CPUs", "1.5 CPUs".
func cpus(n float64) string {
	if n == 1 {
		return "1 CPU"
	}
	return strconv.FormatFloat(n, 'g', 3, 64) + " CPUs"
}

// cgroupQuota returns the CPU quota of this process's cgroup and its
// parents, in CPUs, or 0 when there is none; root is where the cgroup
// file system's tree starts ("/" but in tests).
func cgroupQuota(root string) float64 {
	quota := 0.0
	for _, dir := range cgroup.Dirs(root, "cpu", "cpu,cpuacct", "cpu") {
		for _, q := range []float64{quotaV2(filepath.Join(dir, "cpu.max")), quotaV1(dir)} {
			if q > 0 && (quota == 0 || q < quota) {
				quota = q
			}
		}
	}
	return quota
}

// quotaV2 reads a cgroup v2 cpu.max: "max 100000" (no quota) or
// "150000 100000" (1.5 CPUs).
func quotaV2(path string) float64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) != 2 || f[0] == "max" {
		return 0
	}
	q, err1 := strconv.ParseFloat(f[0], 64)
	p, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil || p <= 0 {
		return 0
	}
	return q / p
}

// quotaV1 reads a cgroup v1 directory's cpu.cfs_quota_us and
// cpu.cfs_period_us (a quota of -1 is none).
func quotaV1(dir string) float64 {
	read := func(name string) float64 {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return 0
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(data)), 64)
		if err != nil {
			return 0
		}
		return v
	}
	q, p := read("cpu.cfs_quota_us"), read("cpu.cfs_period_us")
	if q <= 0 || p <= 0 {
		return 0
	}
	return q / p
}

// onlineCPUs counts the machine's online CPUs ("0-3,6"), or 0.
func onlineCPUs() int {
	data, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 0
	}
	return countCPUList(strings.TrimSpace(string(data)))
}

func countCPUList(list string) int {
	n := 0
	for _, r := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				continue
			}
		}
		n += b - a + 1
	}
	return n
}

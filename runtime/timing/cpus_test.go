package timing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cgroupQuota reads the quota of the process's cgroup and its parents
// (cgroup v2) or of its cpu controller (v1), the smallest that applies.
func TestCgroupQuota(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  float64
	}{
		{"no cgroup file", map[string]string{}, 0},
		{"v2 without a quota", map[string]string{"proc/self/cgroup": "0::/user.slice/a\n", "sys/fs/cgroup/user.slice/a/cpu.max": "max 100000\n"}, 0},
		{"v2 quota of one CPU", map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/cpu.max": "100000 100000\n"}, 1},
		{"v2 parent's smaller quota applies", map[string]string{"proc/self/cgroup": "0::/pod/c\n",
			"sys/fs/cgroup/pod/c/cpu.max": "200000 100000\n", "sys/fs/cgroup/pod/cpu.max": "50000 100000\n"}, 0.5},
		{"v1 quota of one and a half", map[string]string{"proc/self/cgroup": "11:memory:/x\n4:cpu,cpuacct:/docker/abc\n",
			"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "150000\n", "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n"}, 1.5},
		{"v1 without a quota", map[string]string{"proc/self/cgroup": "4:cpu,cpuacct:/\n",
			"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "-1\n", "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for name, text := range tt.files {
				path := filepath.Join(root, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := cgroupQuota(root); got != tt.want {
				t.Errorf("cgroupQuota = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCountCPUList(t *testing.T) {
	for list, want := range map[string]int{"0": 1, "0-1": 2, "0-3,6": 5, "0,2,4-7": 6, "": 0} {
		if got := countCPUList(list); got != want {
			t.Errorf("countCPUList(%q) = %d, want %d", list, got, want)
		}
	}
}

// What a speedup figure is told about the CPUs behind it.
func TestCPUWords(t *testing.T) {
	tests := []struct {
		cpu       CPU
		want, not string
	}{
		{CPU{Usable: 1, GOMAXPROCS: 1, Affinity: 1, Machine: 2}, "may use 1 CPU (taskset or a cpuset lets it run on 1 of the machine's 2): its goroutines take turns", "quota"},
		{CPU{Usable: 1, GOMAXPROCS: 1, Affinity: 4, Quota: 1, Machine: 4}, "may use 1 CPU (its container's CPU quota is 1 CPU)", "taskset"},
		{CPU{Usable: 1.5, GOMAXPROCS: 2, Affinity: 4, Quota: 1.5, Machine: 4}, "may use 1.5 CPUs (its container's CPU quota is 1.5 CPUs): no speedup beyond 1.5×", "take turns"},
		{CPU{Usable: 4, GOMAXPROCS: 4, Affinity: 4, Machine: 4}, "may use 4 CPUs: no speedup beyond 4×", "("},
		{CPU{Usable: 1, GOMAXPROCS: 1, Affinity: 4, Machine: 4}, "(GOMAXPROCS=1)", "taskset"},
	}
	for _, tt := range tests {
		got := tt.cpu.String()
		if !strings.Contains(got, tt.want) || (tt.not != "" && strings.Contains(got, tt.not)) {
			t.Errorf("%#v.String() = %q, want it to contain %q and not %q", tt.cpu, got, tt.want, tt.not)
		}
	}
}

// On one CPU a speedup table says why it shows none, instead of fitting
// Amdahl's law to the machine.
func TestScalingOnOneCPU(t *testing.T) {
	s := &Scaling{Workers: []int{1, 2}, Times: []time.Duration{100 * time.Millisecond, 101 * time.Millisecond}, Spreads: []float64{0.1, 0.1},
		CPU: CPU{Usable: 1, GOMAXPROCS: 1, Affinity: 1, Machine: 2}}
	got := s.String()
	if !strings.Contains(got, "take turns") || strings.Contains(got, "Amdahl fit") {
		t.Errorf("one CPU:\n%s", got)
	}
	s.CPU = CPU{Usable: 2, GOMAXPROCS: 2, Affinity: 2, Machine: 2}
	if got := s.String(); !strings.Contains(got, "Amdahl fit") || strings.Contains(got, "Measured where") {
		t.Errorf("two CPUs, two workers:\n%s", got)
	}
}

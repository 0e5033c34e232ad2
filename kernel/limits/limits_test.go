package limits

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Limits) bool
		errPart string
	}{
		{name: "defaults", check: func(l Limits) bool {
			return l == Limits{WorkerMemory: DefaultWorkerMemory, MaxMessage: DefaultMaxMessage, OutputShown: DefaultOutputShown,
				OutputSaved: DefaultOutputSaved, QueuedPerClient: DefaultQueuedPerClient, Restore: DefaultRestore, IdleOutputHold: DefaultIdleOutputHold}
		}},
		{name: "numbers of MiB", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "512", "GOLAB_MAX_MESSAGE_MB": "1.5", "GOLAB_OUTPUT_LIMIT_MB": " 2 ", "GOLAB_OUTPUT_SAVED_MB": "3"},
			check: func(l Limits) bool {
				return l.WorkerMemory == 512<<20 && l.MaxMessage == 3<<19 && l.OutputShown == 2<<20 && l.OutputSaved == 3<<20
			}},
		{name: "memory off", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "off"}, check: func(l Limits) bool { return l.WorkerMemory < 0 }},
		{name: "idle hold", env: map[string]string{"GOLAB_IDLE_OUTPUT_HOLD": "90s"}, check: func(l Limits) bool { return l.IdleOutputHold == 90*time.Second }},
		{name: "idle hold off", env: map[string]string{"GOLAB_IDLE_OUTPUT_HOLD": "off"}, check: func(l Limits) bool { return l.IdleOutputHold < 0 }},
		{name: "idle hold not a duration", env: map[string]string{"GOLAB_IDLE_OUTPUT_HOLD": "10"}, errPart: `GOLAB_IDLE_OUTPUT_HOLD="10": want a duration`},
		{name: "memory none", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "none"}, check: func(l Limits) bool { return l.WorkerMemory < 0 }},
		// "off" used to become the default, silently.
		{name: "message off", env: map[string]string{"GOLAB_MAX_MESSAGE_MB": "off"}, errPart: "GOLAB_MAX_MESSAGE_MB=\"off\": this limit cannot be turned off"},
		{name: "output off", env: map[string]string{"GOLAB_OUTPUT_LIMIT_MB": "off"}, errPart: "GOLAB_OUTPUT_LIMIT_MB=\"off\": this limit cannot be turned off"},
		{name: "saved off", env: map[string]string{"GOLAB_OUTPUT_SAVED_MB": "none"}, errPart: "GOLAB_OUTPUT_SAVED_MB=\"none\": this limit cannot be turned off"},
		{name: "not a number", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "2G"}, errPart: `GOLAB_MEMORY_LIMIT_MB="2G": want a number of MiB (or "off")`},
		{name: "zero", env: map[string]string{"GOLAB_OUTPUT_LIMIT_MB": "0"}, errPart: `GOLAB_OUTPUT_LIMIT_MB="0": want a number of MiB`},
		{name: "negative", env: map[string]string{"GOLAB_MAX_MESSAGE_MB": "-4"}, errPart: `want a number of MiB`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"GOLAB_MEMORY_LIMIT_MB", "GOLAB_MAX_MESSAGE_MB", "GOLAB_OUTPUT_LIMIT_MB", "GOLAB_OUTPUT_SAVED_MB", "MEM_LIMIT", "GOLAB_IDLE_OUTPUT_HOLD"} {
				t.Setenv(name, tt.env[name])
			}
			l, err := fromEnv(t.TempDir()) // no cgroup limit
			if tt.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("error %v, want one containing %q", err, tt.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(l) {
				t.Errorf("limits %+v", l)
			}
		})
	}
}

// The worker's memory cap comes from what the host gives, in order:
// GOLAB_MEMORY_LIMIT_MB, MEM_LIMIT (JupyterHub), the cgroup's limit (v2,
// v1, the smallest of the process's cgroup and its parents), less a margin
// so that golab's message comes before the out-of-memory killer.
func TestMemoryFromTheHost(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name  string
		env   map[string]string
		files map[string]string
		want  int64
		from  string
	}{
		{"golab's own variable first", map[string]string{"GOLAB_MEMORY_LIMIT_MB": "300", "MEM_LIMIT": "1073741824"},
			map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "536870912\n"}, 300 << 20, "GOLAB_MEMORY_LIMIT_MB"},
		{"JupyterHub's MEM_LIMIT, less a margin", map[string]string{"MEM_LIMIT": "1073741824"}, nil, gib * 8 / 10, "MEM_LIMIT"},
		{"an unreadable MEM_LIMIT is passed over", map[string]string{"MEM_LIMIT": "1G"},
			map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "2147483648\n"}, 2 * gib * 8 / 10, "the container's memory limit (2048 MiB)"},
		{"cgroup v2, the parent's smaller limit", nil, map[string]string{"proc/self/cgroup": "0::/kubepods/pod1/c1\n",
			"sys/fs/cgroup/kubepods/pod1/c1/memory.max": "max\n", "sys/fs/cgroup/kubepods/pod1/memory.max": "536870912\n"}, 512<<20 - 150<<20, "the container's memory limit (512 MiB)"},
		{"cgroup v1", nil, map[string]string{"proc/self/cgroup": "9:memory:/docker/abc\n",
			"sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "4294967296\n"}, 4 * gib * 8 / 10, "the container's memory limit (4096 MiB)"},
		{"cgroup v1 without a limit", nil, map[string]string{"proc/self/cgroup": "9:memory:/\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, DefaultWorkerMemory, ""},
		{"a small pod keeps half", nil, map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "209715200\n"}, 100 << 20, "the container's memory limit (200 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"GOLAB_MEMORY_LIMIT_MB", "MEM_LIMIT"} {
				t.Setenv(name, tt.env[name])
			}
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
			l, err := fromEnv(root)
			if err != nil {
				t.Fatal(err)
			}
			if l.WorkerMemory != tt.want || !strings.HasPrefix(l.MemoryFrom, tt.from) {
				t.Errorf("WorkerMemory %s from %q, want %s from %q…", MiB(l.WorkerMemory), l.MemoryFrom, MiB(tt.want), tt.from)
			}
		})
	}
}

func ExampleMiB() {
	fmt.Println(MiB(3<<20), MiB(1536<<10))
	// Output: 3 MiB 2 MiB
}

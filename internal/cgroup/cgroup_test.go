package cgroup

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestDirs(t *testing.T) {
	tests := []struct {
		name, cgroup, controller string
		mounts                   []string
		want                     []string
	}{
		{"v2 nested", "0::/kubepods/pod1\n", "memory", []string{"memory"},
			[]string{"sys/fs/cgroup/kubepods/pod1", "sys/fs/cgroup/kubepods", "sys/fs/cgroup"}},
		{"v1 controller", "11:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n", "cpu", []string{"cpu,cpuacct"},
			[]string{"sys/fs/cgroup/cpu,cpuacct/docker/abc", "sys/fs/cgroup/cpu,cpuacct"}},
		{"v1 other controllers only", "11:memory:/x\n", "cpu", []string{"cpu"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if err := os.MkdirAll(filepath.Join(root, "proc/self"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "proc/self/cgroup"), []byte(tt.cgroup), 0o644); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, filepath.Join(root, w))
			}
			if got := Dirs(root, tt.controller, tt.mounts...); !reflect.DeepEqual(got, want) {
				t.Errorf("Dirs = %v, want %v", got, want)
			}
		})
	}
	if got := Dirs(t.TempDir(), "memory", "memory"); got != nil {
		t.Errorf("no /proc/self/cgroup: Dirs = %v", got)
	}
}

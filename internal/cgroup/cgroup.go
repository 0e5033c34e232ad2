// Package cgroup finds the control groups that bound this process: a
// container's, a systemd slice's, a JupyterHub spawner's. The kernel reads
// its memory limit there, and golab/timing its CPU quota; each reads its
// own files in the directories Dirs returns.
package cgroup

import (
	"os"
	"path/filepath"
	"strings"
)

// Dirs returns the directories of this process's control groups and their
// parents, nearest first: for cgroup v2, under sys/fs/cgroup; for v1, under
// the mount of the controller (one of mounts, such as "memory" or
// "cpu,cpuacct"), and the mount's root, where a container sees its own
// group. root is the file system's root ("/" but in tests).
func Dirs(root, controller string, mounts ...string) []string {
	data, err := os.ReadFile(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		return nil
	}
	var dirs []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "": // v2: one hierarchy
			for dir := parts[2]; ; dir = filepath.Dir(dir) {
				dirs = append(dirs, filepath.Join(root, "sys/fs/cgroup", dir))
				if dir == "/" || dir == "." {
					break
				}
			}
		case strings.Contains(","+parts[1]+",", ","+controller+","): // v1
			for _, mount := range mounts {
				base := filepath.Join(root, "sys/fs/cgroup", mount)
				dirs = append(dirs, filepath.Join(base, parts[2]), base)
			}
		}
	}
	return dirs
}

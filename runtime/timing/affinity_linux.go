package timing

import "golang.org/x/sys/unix"

// affinity counts the CPUs this process may run on, or 0.
func affinity() int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return 0
	}
	return set.Count()
}

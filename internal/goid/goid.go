// Package goid tells the calling goroutine's ID, as the Go runtime prints
// it in stack traces. The helpers use it to name the goroutine that waits,
// works or writes; Go offers no API for it on purpose, so it is used only
// to label pictures and reports, never to change what a program does.
package goid

import (
	"runtime"
	"strconv"
	"strings"
)

// Current returns the calling goroutine's ID, read from the first line of
// its stack ("goroutine 7 [running]:"). It costs about a microsecond.
func Current() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := strings.Fields(string(buf[:n]))
	if len(f) < 2 {
		return 0
	}
	id, _ := strconv.Atoi(f[1])
	return id
}

// Package parent ends a kernel whose launcher has gone, as ipykernel does:
// jupyter_client starts a kernel it owns with its own process ID in
// JPY_PARENT_PID, and a kernel whose parent changes (the launcher died and
// the kernel was handed to init) is no longer wanted. Without this, a
// Jupyter server that is killed leaves its golab kernels and their workers
// running, on a JupyterHub until the machine restarts.
package parent

import (
	"context"
	"os"
	"strconv"
	"time"
)

// EnvPID names the variable in which jupyter_client passes the launcher's
// process ID.
const EnvPID = "JPY_PARENT_PID"

// Watch returns a context that is cancelled when the process's parent is
// no longer the one named in JPY_PARENT_PID, checked every interval, and
// calls gone first. Without the variable, or when the parent is already
// another process (an independent kernel), nothing is watched.
func Watch(ctx context.Context, every time.Duration, gone func(pid int)) context.Context {
	pid, err := strconv.Atoi(os.Getenv(EnvPID))
	if err != nil || pid <= 1 || os.Getppid() != pid {
		return ctx
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if os.Getppid() != pid {
					if gone != nil {
						gone(pid)
					}
					cancel()
					return
				}
			}
		}
	}()
	return ctx
}

package supervisor

import (
	"errors"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/golab-notebooks/golab/kernel/failure"
	"github.com/golab-notebooks/golab/kernel/protocol"
)

// errorResult is a failed cell's result, in failure's words.
func errorResult(name, value string, tb []string) Result {
	return Result{Status: protocol.StatusError, Error: failure.New(name, value, tb)}
}

// signalName returns the name of the signal that ended the worker
// ("SIGKILL"), or "" when no signal did or golab sent it.
func (p *process) signalName() string {
	<-p.done
	var exitErr *exec.ExitError
	if errors.As(p.waitErr, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() && p.state() != ending {
			return unix.SignalName(ws.Signal())
		}
	}
	return ""
}

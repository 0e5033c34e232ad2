package failure

import (
	"fmt"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// What the kernel process tells the learner when it replaces the worker,
// or finds it unable to work, between or during cells.

// Restarted says what a new worker brought back (r), or that none could
// start (err): the line after a failure's report.
func Restarted(r Restore, err error) string {
	if err != nil {
		return "golab could not start a new Go worker: " + err.Error()
	}
	return r.Message()
}

// Interrupted is the end of a cell the learner interrupted.
func Interrupted() *protocol.Error {
	return New("interrupted", "the cell was stopped", []string{
		Red("Interrupted:") + " the cell was stopped, with every goroutine it started.",
	})
}

// Unstoppable is the end of an interrupted cell whose goroutines did not
// stop at a safe point (report: one line per goroutine, as DeadlockReport
// words them), so that the kernel ended the worker with them.
func Unstoppable(report []string) *protocol.Error {
	tb := append([]string{Red("Interrupted:") + " the cell was stopped, but these goroutines were where an interrupt cannot stop them:"}, report...)
	tb = append(tb, "An interrupt stops goroutines in loops and in time.Sleep. A goroutine that waits on a channel or a lock,",
		"or runs a long call into compiled code, does not get there; golab ended the Go worker with them.")
	return New("interrupted", "the cell was stopped by ending the Go worker", tb)
}

// NoWorker is the end of a cell no worker could run.
func NoWorker(err error) *protocol.Error {
	return New("worker unavailable", "golab could not start a new Go worker: "+err.Error(), nil)
}

// EndedWhileIdle tells the learner, in the last cell's output, that the
// worker ended while no cell ran (e, as Ending.Explain words it), and
// what the new one brought back.
func EndedWhileIdle(e *protocol.Error, restarted string) string {
	header := "\n[golab] While no cell was running, a goroutine left running by an earlier cell stopped the Go worker:"
	if e.Name == "killed" {
		header = "\n[golab] While no cell was running, the Go worker was stopped from outside:"
	}
	lines := append([]string{header}, e.Traceback...)
	return strings.Join(append(lines, restarted), "\n") + "\n"
}

// Unanswered is the note given when the worker did not answer a request
// (a completion, say) in time and was replaced.
func Unanswered(op string, within time.Duration, restarted string) string {
	return fmt.Sprintf("golab: the Go worker did not answer a %s request within %v, so it was replaced by a fresh one.\n%s\n", op, within, restarted)
}

// Redefined is the note given when a cell changed a type or method an
// earlier cell defined (change, the worker's words), so that the earlier
// cells were replayed in a fresh worker with the new definition.
func Redefined(change, restarted string) string {
	return "golab: " + change + ", so the earlier cells' declarations were run again with the new " +
		"definition in a fresh worker (the interpreter cannot change a type or method in place).\n" + restarted + "\n"
}

// Continued is the note given when the worker was found stopped
// (SIGSTOP) and golab continued it.
func Continued(stoppedFor time.Duration) string {
	return "golab: the Go worker was stopped (SIGSTOP: a cell signalled its own process, or someone ran kill -STOP), " +
		"so it could run nothing; golab continued it (SIGCONT) after " + stoppedFor.String() + ".\n"
}

// HeldWhileIdle is the note given at the start of a cell when goroutines of
// earlier cells printed while no cell ran, past the hold (after): held so
// that an idle server can be culled, with the last of it (tail).
func HeldWhileIdle(bytes, lines int64, tail string, after time.Duration) string {
	return fmt.Sprintf("golab: while no cell ran, goroutines of earlier cells printed %d lines (%d bytes) more than %v after the last cell ended; "+
		"golab held them (so that an idle server can be stopped, as JupyterHub does) and shows only the end:\n…%s\n", lines, bytes, after, tail)
}

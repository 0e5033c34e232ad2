package supervisor

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/golab-notebooks/golab/kernel/limits"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

// workerEnd is what a worker that ended left behind.
type workerEnd struct {
	crash    string                   // the Go runtime's report on stderr, if any
	frames   []string                 // interpreter panic frames ("3:5: panic: main.f(...)")
	code     string                   // the cell that ran, or ""
	declared []protocol.Declaration   // what it declares, as the worker said
	earlier  [][]protocol.Declaration // what the cells before it declare

	exit           string      // "exit status 2", "killed by signal killed", …
	killedBySignal unix.Signal // the signal that ended it, or 0
	overMemory     bool        // the supervisor ended it for its memory
	limit, peak    int64       // the memory limit and the most resident memory seen
	idle           bool        // it ended while no cell ran
}

// when says when the worker ended, for the learner.
func (e workerEnd) when() string {
	if e.idle {
		return "while no cell was running"
	}
	return "while the cell ran"
}

// explain says why the worker ended, as an error output.
func (e workerEnd) explain() Result {
	switch {
	case e.overMemory || outOfMemory(e.crash):
		return e.memoryResult()
	case e.crash != "":
		return e.crashResult()
	case e.killedBySignal == unix.SIGKILL:
		tb := []string{
			"\x1b[31mThe Go worker was killed\x1b[0m (SIGKILL) " + e.when() + ", and not by golab.",
			fmt.Sprintf("The usual cause is the system's out-of-memory killer (a container's or JupyterHub's memory limit): the worker had %s of memory at golab's last look, every 50 ms.", limits.MiB(e.peak)),
		}
		if e.idle {
			tb = append(tb, "Or someone ran kill on it. No cell was running: nothing you wrote is to blame.")
		}
		return errorResult("killed", "the Go worker was killed (SIGKILL), most likely for lack of memory", tb)
	case e.killedBySignal != 0:
		tb := []string{
			fmt.Sprintf("\x1b[31mThe Go worker was killed\x1b[0m by signal %s %s, with no report of its own: the signal came from outside golab (kill, a process manager), or from code that signalled its own process.", unix.SignalName(e.killedBySignal), e.when()),
		}
		return errorResult("killed", "the Go worker was killed by signal "+unix.SignalName(e.killedBySignal), append(tb, mentions(e.code, "syscall.Kill(", ".Signal(")...))
	}
	tb := []string{
		"\x1b[31mThe Go worker exited\x1b[0m while the cell ran (" + e.exit + ").",
		"A cell that calls os.Exit or log.Fatal ends the process that runs the notebook's Go code.",
	}
	return errorResult("worker exited", e.exit, append(tb, mentions(e.code, "os.Exit(", "log.Fatal", "log.Panic")...))
}

// mentions points at the cell lines that contain one of the needles.
func mentions(code string, needles ...string) []string {
	var out []string
	for i, line := range strings.Split(code, "\n") {
		for _, n := range needles {
			if strings.Contains(line, n) {
				out = append(out, fmt.Sprintf("  at cell line %d: %s", i+1, strings.TrimSpace(line)))
				break
			}
		}
	}
	return out
}

// outOfMemory reports whether a crash report is the Go runtime's.
func outOfMemory(crash string) bool {
	return strings.Contains(crash, "fatal error: out of memory") || strings.Contains(crash, "runtime: out of memory") ||
		strings.Contains(crash, "fatal error: runtime: cannot allocate memory")
}

func (e workerEnd) memoryResult() Result {
	value := "the cell used more than " + limits.MiB(e.limit) + " of memory"
	if e.limit <= 0 {
		value = "the cell used more memory than the machine could give"
	}
	tb := []string{"\x1b[31mOut of memory:\x1b[0m " + value + ", so golab stopped it."}
	if first, _, _ := strings.Cut(strings.TrimSpace(e.crash), "\n"); first != "" {
		tb = append(tb, "The Go runtime said: "+first)
	}
	tb = append(tb, "Look for a slice, map or channel that grows without end, or allocate less at a time.")
	if e.limit > 0 {
		tb = append(tb, fmt.Sprintf("The limit (%s) is GOLAB_MEMORY_LIMIT_MB in the kernel's environment, e.g. the kernelspec's env.", limits.MiB(e.limit)))
	}
	return errorResult("out of memory", value, tb)
}

// crashResult turns the Go runtime's crash report into an error output
// that quotes the panic and names the goroutine and the cell line.
func (e workerEnd) crashResult() Result {
	lines := strings.Split(strings.TrimRight(e.crash, "\n"), "\n")
	var prelude []string // "runtime: …" lines before the panic or fatal error
	head := strings.TrimSpace(lines[0])
	for i, l := range lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			head, prelude, lines = strings.TrimSpace(l), lines[:i], lines[i:]
			break
		}
	}
	name, value, _ := strings.Cut(head, ": ")
	value = strings.TrimSuffix(value, " [recovered, repanicked]")
	value = strings.TrimSuffix(value, " [recovered]")
	said := value
	if goText, ok := protocol.GoPanicText(value); ok {
		value = goText // yaegi's words for a nil pointer, say; Go's are the learner's
	}
	tb := []string{"\x1b[31m" + name + ":\x1b[0m " + value}
	if said != value {
		tb = append(tb, "(the interpreter said: "+said+")")
	}
	if strings.Contains(value, "deadlock") {
		// The worker's own report: one line per goroutine, with cell lines.
		for _, l := range lines[1:] {
			if strings.TrimSpace(l) != "" {
				tb = append(tb, l)
			}
		}
		tb = append(tb, "Every goroutine waits for another one, so none can ever go on. Go stops such a program;",
			"golab stopped the cell. Look for a send nobody receives, a lock never unlocked, or a Done never called.")
		return errorResult(name, value, tb)
	}
	if value == "stack overflow" {
		for _, l := range prelude {
			if strings.HasPrefix(l, "runtime: goroutine stack exceeds") {
				tb = append(tb, l)
			}
		}
		tb = append(tb, recursionHint(e.declared, e.earlier)...)
		return errorResult(name, value, tb)
	}
	if strings.Contains(value, "unlock of unlocked") {
		// A fatal error: no interpreter frames, so point at the unlocks.
		tb = append(tb, "A Mutex was unlocked that was not locked (Go stops the program: this cannot be recovered).")
		return errorResult(name, value, append(tb, mentions(e.code, "Unlock()")...))
	}
	origin := ", started by this or an earlier cell"
	for _, f := range e.frames {
		if strings.Contains(f, ":0: go statement of ") {
			origin = "" // a frame below says which go statement
		}
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "goroutine ") && len(e.frames) > 0 {
			tb = append(tb, "in "+strings.TrimSuffix(strings.TrimSpace(l), ":")+origin)
			break
		}
	}
	for _, f := range e.frames {
		var line, col int
		var rest string
		n, _ := fmt.Sscanf(f, "%d:%d: %s", &line, &col, &rest)
		switch {
		case n >= 2 && col == 0 && strings.HasSuffix(f, "of this cell"):
			tb = append(tb, fmt.Sprintf("  in the goroutine started at cell line %d", line))
		case n >= 2 && col == 0:
			tb = append(tb, fmt.Sprintf("  in the goroutine started at line %d of an earlier cell", line))
		case n >= 2:
			tb = append(tb, fmt.Sprintf("  at cell line %d, column %d", line, col))
		}
	}
	if strings.Contains(value, "concurrent map") {
		tb = append(tb, "Two goroutines used the same map at once without a lock: Go stops the program",
			"rather than corrupt the map. Guard the map with a sync.Mutex, or use sync.Map.")
	}
	return errorResult(name, value, tb)
}

// recursionHint names the functions of the cell and earlier cells that
// call themselves: the usual cause of a stack overflow.
func recursionHint(declared []protocol.Declaration, earlier [][]protocol.Declaration) []string {
	var hints []string
	seen := map[string]bool{}
	look := func(decls []protocol.Declaration, here bool) {
		for _, d := range decls {
			if !d.CallsItself || seen[d.Name] {
				continue
			}
			seen[d.Name] = true
			where := "in an earlier cell"
			if here {
				where = fmt.Sprintf("at cell line %d", d.Line)
			}
			hints = append(hints, fmt.Sprintf("  %s calls itself (defined %s)", d.Name, where))
		}
	}
	look(declared, true)
	for i := len(earlier) - 1; i >= 0; i-- {
		look(earlier[i], false)
	}
	msg := []string{"A goroutine's stack grew past its limit: a function called itself, directly or through others, without reaching a case that stops."}
	if len(hints) > 0 {
		msg = append(msg, hints...)
		msg = append(msg, "Check that each call gets closer to the case that returns without calling again.")
	}
	return msg
}

func errorResult(name, value string, tb []string) Result {
	if tb == nil {
		tb = []string{name + ": " + value}
	}
	return Result{Status: "error", Error: &protocol.Error{Name: name, Value: value, Traceback: tb}}
}

// restoreReport says what a new worker brought back of the earlier cells.
type restoreReport struct {
	restored  []string // "func f", "type T", …
	zeroed    []string // variables declared again with zero values
	skipped   []string // declarations not run again, with the reason
	lost      []string // what could not be restored
	abandoned string   // why the restore was given up, or ""
}

// message tells the learner what survived a worker restart.
func (r restoreReport) message() string {
	msg := "golab started a fresh Go worker: goroutines and values from earlier cells are gone"
	if r.abandoned != "" {
		msg += "; the earlier cells' declarations were not restored, because " + r.abandoned
		if lost := unique(r.lost); len(lost) > 0 {
			msg += "; dropped: " + strings.Join(lost, ", ")
		}
		return msg + ". Run the cells you need again (and fix the one whose declarations block or exit)."
	}
	var defs, vars []string
	for _, d := range unique(r.restored) {
		if name, ok := strings.CutPrefix(d, "var "); ok {
			vars = append(vars, name)
		} else {
			defs = append(defs, d)
		}
	}
	if len(defs) > 0 {
		msg += "; restored from earlier cells: " + strings.Join(defs, ", ")
	}
	if len(vars) > 0 {
		msg += "; declared again with their initial values: " + strings.Join(vars, ", ")
	}
	if z := unique(r.zeroed); len(z) > 0 {
		msg += "; declared again with zero values, since their initializers run code that golab does not run twice: " + strings.Join(z, ", ")
	}
	if sk := unique(r.skipped); len(sk) > 0 {
		msg += "; not run again: " + strings.Join(sk, ", ")
	}
	if lost := unique(r.lost); len(lost) > 0 {
		msg += "; could not restore: " + strings.Join(lost, ", ")
	}
	return msg + ". Run the cells that set your variables again."
}

// definedNames lists what cells declare, as "func f", "var x", ….
func definedNames(declared [][]protocol.Declaration) []string {
	var names []string
	for _, decls := range declared {
		for _, d := range decls {
			names = append(names, d.Kind+" "+d.Name)
		}
	}
	return names
}

// unique drops repeated names, keeping the first of each.
func unique(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if strings.HasSuffix(n, " _") || n == "_" {
			continue // the blank identifier declares nothing
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// killedBySignal returns the signal that ended the worker, or 0.
func (p *process) killedBySignal() unix.Signal {
	<-p.done
	var exitErr *exec.ExitError
	if errors.As(p.waitErr, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() && p.state() != ending {
			return ws.Signal()
		}
	}
	return 0
}

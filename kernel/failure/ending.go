package failure

import (
	"fmt"
	"strings"

	"github.com/golab-notebooks/golab/kernel/limits"
	"github.com/golab-notebooks/golab/kernel/protocol"
)

// Ending is what a worker process that ended left behind, as the kernel
// process gathered it.
type Ending struct {
	Crash    string                   // the Go runtime's report on stderr, if any
	Frames   []Frame                  // the interpreter's frames of the panic, if any
	Code     string                   // the cell that ran, or ""
	Declared []protocol.Declaration   // what it declares, as the worker said
	Earlier  [][]protocol.Declaration // what the cells before it declare
	// Reported is the worker's own account of why it ends (a deadlock it
	// found), sent just before it exits; it is said as it is.
	Reported *protocol.Error

	Exit        string // "exit status 2", "signal: killed", …
	Signal      string // the signal that ended it ("SIGKILL"), or ""
	OverMemory  bool   // the kernel ended it for its memory
	Limit, Peak int64  // the memory limit and the most resident memory seen
	LimitFrom   string // where the limit came from (limits.Limits.MemoryFrom)
	Idle        bool   // it ended while no cell ran
}

// when says when the worker ended, for the learner.
func (e Ending) when() string {
	if e.Idle {
		return "while no cell was running"
	}
	return "while the cell ran"
}

// Explain says why the worker ended, as an error output.
func (e Ending) Explain() *protocol.Error {
	switch {
	case e.Reported != nil && !e.OverMemory:
		return e.Reported
	case e.OverMemory || outOfMemory(e.Crash):
		return e.memory()
	case e.Crash != "":
		return e.crash()
	case e.Signal == "SIGKILL":
		tb := []string{
			Red("The Go worker was killed") + " (SIGKILL) " + e.when() + ", and not by golab.",
			fmt.Sprintf("The usual cause is the system's out-of-memory killer (a container's or JupyterHub's memory limit): the worker had %s of memory at golab's last look, every 50 ms.", limits.MiB(e.Peak)),
		}
		if e.Idle {
			tb = append(tb, "Or someone ran kill on it. No cell was running: nothing you wrote is to blame.")
		}
		return New("killed", "the Go worker was killed (SIGKILL), most likely for lack of memory", tb)
	case e.Signal != "":
		tb := []string{
			fmt.Sprintf(Red("The Go worker was killed")+" by signal %s %s, with no report of its own: the signal came from outside golab (kill, a process manager), or from code that signalled its own process.", e.Signal, e.when()),
		}
		return New("killed", "the Go worker was killed by signal "+e.Signal, append(tb, Mentions(e.Code, "syscall.Kill(", ".Signal(")...))
	}
	tb := []string{
		Red("The Go worker exited") + " while the cell ran (" + e.Exit + ").",
		"A cell that calls os.Exit or log.Fatal ends the process that runs the notebook's Go code.",
	}
	return New("worker exited", e.Exit, append(tb, Mentions(e.Code, "os.Exit(", "log.Fatal", "log.Panic")...))
}

// outOfMemory reports whether a crash report is the Go runtime's.
func outOfMemory(crash string) bool {
	return strings.Contains(crash, "fatal error: out of memory") || strings.Contains(crash, "runtime: out of memory") ||
		strings.Contains(crash, "fatal error: runtime: cannot allocate memory")
}

func (e Ending) memory() *protocol.Error {
	value := "the cell used more than " + limits.MiB(e.Limit) + " of memory"
	if e.Limit <= 0 {
		value = "the cell used more memory than the machine could give"
	}
	tb := []string{Red("Out of memory:") + " " + value + ", so golab stopped it."}
	if first, _, _ := strings.Cut(strings.TrimSpace(e.Crash), "\n"); first != "" {
		tb = append(tb, "The Go runtime said: "+first)
	}
	tb = append(tb, "Look for a slice, map or channel that grows without end, or allocate less at a time.")
	switch {
	case e.Limit <= 0:
	case e.LimitFrom == "GOLAB_MEMORY_LIMIT_MB":
		tb = append(tb, fmt.Sprintf("The limit (%s) is GOLAB_MEMORY_LIMIT_MB in the kernel's environment, e.g. the kernelspec's env.", limits.MiB(e.Limit)))
	case e.LimitFrom != "":
		tb = append(tb, fmt.Sprintf("The limit (%s) comes from %s; GOLAB_MEMORY_LIMIT_MB in the kernel's environment sets another.", limits.MiB(e.Limit), e.LimitFrom))
	default:
		tb = append(tb, fmt.Sprintf("The limit (%s) is golab's default; GOLAB_MEMORY_LIMIT_MB in the kernel's environment (e.g. the kernelspec's env) sets another.", limits.MiB(e.Limit)))
	}
	return New("out of memory", value, tb)
}

// crash turns the Go runtime's crash report into an error output that
// quotes the panic and names the goroutine and the cell line.
func (e Ending) crash() *protocol.Error {
	lines := strings.Split(strings.TrimRight(e.Crash, "\n"), "\n")
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
	if goText, ok := GoPanicText(value); ok {
		value = goText // yaegi's words for a nil pointer, say; Go's are the learner's
	}
	tb := []string{Red(name+":") + " " + value}
	if said != value {
		tb = append(tb, "(the interpreter said: "+said+")")
	}
	if value == "stack overflow" {
		for _, l := range prelude {
			if strings.HasPrefix(l, "runtime: goroutine stack exceeds") {
				tb = append(tb, l)
			}
		}
		tb = append(tb, recursionHint(e.Declared, e.Earlier)...)
		return New(name, value, tb)
	}
	if strings.Contains(value, "unlock of unlocked") {
		// A fatal error: no interpreter frames, so point at the unlocks.
		tb = append(tb, "A Mutex was unlocked that was not locked (Go stops the program: this cannot be recovered).")
		return New(name, value, append(tb, Mentions(e.Code, "Unlock()")...))
	}
	origin := ", started by this or an earlier cell"
	for _, f := range e.Frames {
		if f.GoStatement {
			origin = "" // a frame below says which go statement
		}
	}
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, "goroutine ") && len(e.Frames) > 0 {
			tb = append(tb, "in "+strings.TrimSuffix(strings.TrimSpace(l), ":")+origin)
			break
		}
	}
	for _, f := range e.Frames {
		// Without the function's name: a goroutine's frames include the
		// closures golab's rewrite wraps go statements in, which the
		// learner did not write.
		f.Func = ""
		tb = append(tb, f.String())
	}
	if strings.Contains(value, "concurrent map") {
		tb = append(tb, "Two goroutines used the same map at once without a lock: Go stops the program",
			"rather than corrupt the map. Guard the map with a sync.Mutex, or use sync.Map.")
	}
	return New(name, value, tb)
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

// Restore is what a new worker brought back of the earlier cells.
type Restore struct {
	Restored  []string // "func f", "type T", …
	Zeroed    []string // variables declared again with zero values
	Skipped   []string // declarations not run again, with the reason
	Lost      []string // what could not be restored
	Abandoned string   // why the restore was given up, or ""
}

// Message tells the learner what survived a worker restart.
func (r Restore) Message() string {
	msg := "golab started a fresh Go worker: goroutines and values from earlier cells are gone"
	if r.Abandoned != "" {
		msg += "; the earlier cells' declarations were not restored, because " + r.Abandoned
		if lost := unique(r.Lost); len(lost) > 0 {
			msg += "; dropped: " + strings.Join(lost, ", ")
		}
		return msg + ". Run the cells you need again (and fix the one whose declarations block or exit)."
	}
	var defs, vars []string
	for _, d := range unique(r.Restored) {
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
	if z := unique(r.Zeroed); len(z) > 0 {
		msg += "; declared again with zero values, since their initializers run code that golab does not run twice: " + strings.Join(z, ", ")
	}
	if sk := unique(r.Skipped); len(sk) > 0 {
		msg += "; not run again: " + strings.Join(sk, ", ")
	}
	if lost := unique(r.Lost); len(lost) > 0 {
		msg += "; could not restore: " + strings.Join(lost, ", ")
	}
	return msg + ". Run the cells that set your variables again."
}

// ChildLoaded says what of the notebook a golab/proc child process loaded
// differently from the notebook, by the rules of a restore, or "":
// variables whose initializers call code start at their zero values there
// (that code ran in the notebook), and what did not load at all.
func ChildLoaded(zeroed, skipped, lost []string) string {
	var parts []string
	if z := unique(zeroed); len(z) > 0 {
		parts = append(parts, "these start at their zero values (their initializers call code, which ran in the notebook): "+strings.Join(z, ", "))
	}
	if sk := unique(skipped); len(sk) > 0 {
		parts = append(parts, "not run again: "+strings.Join(sk, ", "))
	}
	if l := unique(lost); len(l) > 0 {
		parts = append(parts, "these did not load: "+strings.Join(l, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return "golab: in this process, " + strings.Join(parts, "; ") + "."
}

// Names lists what cells declare, as "func f", "var x", ….
func Names(declared [][]protocol.Declaration) []string {
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

package failure

import (
	"fmt"
	"strings"
	"time"
)

// Goroutine is what a report says of one goroutine: the worker gathers
// it, this package words it.
type Goroutine struct {
	ID    int
	State string // as the runtime says it: "chan send", "sleep", …
	// StartLine is the cell line of the go statement that started it, 0
	// when not known; Earlier is set when an earlier cell started it.
	StartLine int
	Earlier   bool
	// WaitKind is the kind of operation that puts a goroutine in its state
	// ("send", "receive", "select", "lock", "wait"), and WaitLines the
	// lines of such operations in its code, when the cell shows them.
	WaitKind  string
	WaitLines []int
	// Lock is the lock it waits for, as Locks.Waiting says it, or "".
	Lock string
}

// started says where the goroutine was started.
func (g Goroutine) started() string {
	switch {
	case g.StartLine == 0:
		return "started by a call such as `go f(x)`"
	case g.Earlier:
		return fmt.Sprintf("started at line %d of an earlier cell", g.StartLine)
	}
	return fmt.Sprintf("started at cell line %d", g.StartLine)
}

// waits names where the goroutine waits: the lock, or the cell lines of
// the operations that can put it in its state.
func (g Goroutine) waits() string {
	if g.Lock != "" {
		return ", " + g.Lock
	}
	verb := map[string]string{"send": "sends on a channel", "receive": "receives from a channel", "select": "waits in select",
		"lock": "waits for a lock", "wait": "waits for a WaitGroup or Cond"}[g.WaitKind]
	switch len(g.WaitLines) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(", %s at cell line %d", verb, g.WaitLines[0])
	}
	parts := make([]string, len(g.WaitLines))
	for i, l := range g.WaitLines {
		parts[i] = fmt.Sprint(l)
	}
	return fmt.Sprintf(", %s at one of cell lines %s", verb, strings.Join(parts, ", "))
}

// goroutineGroup is goroutines that a report says alike: same state, same
// origin, same wait.
type goroutineGroup struct {
	state, from string
	ids         []int
}

func groupGoroutines(gs []Goroutine) []*goroutineGroup {
	var groups []*goroutineGroup
	index := map[string]*goroutineGroup{}
	for _, g := range gs {
		from := g.started() + g.waits()
		key := g.State + "\x00" + from
		if index[key] == nil {
			index[key] = &goroutineGroup{state: g.State, from: from}
			groups = append(groups, index[key])
		}
		index[key].ids = append(index[key].ids, g.ID)
	}
	return groups
}

// DeadlockReport says which goroutine waits on what at which cell line:
// first the cell's own code (main, which Go would call goroutine 1), then
// one line for each goroutine or group of goroutines that wait alike, then
// the locks they wait for. Deadlock adds Go's words around it.
func DeadlockReport(main Goroutine, others []Goroutine, locks Locks) []string {
	lines := []string{fmt.Sprintf("goroutine 1 [%s]: the cell's own code%s", main.State, main.waits())}
	// Goroutines that wait alike share a line when there are many of them
	// (a daisy chain of 10,000 gave 10,000 lines, 660 kB).
	const eachUpTo = 3 // goroutines a group lists one by one
	for _, gr := range groupGoroutines(others) {
		if len(gr.ids) <= eachUpTo {
			for _, id := range gr.ids {
				lines = append(lines, fmt.Sprintf("goroutine %d [%s]: %s", id, gr.state, gr.from))
			}
			continue
		}
		lines = append(lines, fmt.Sprintf("goroutines %d, %d, %d and %d more (%d in all) [%s]: %s",
			gr.ids[0], gr.ids[1], gr.ids[2], len(gr.ids)-3, len(gr.ids), gr.state, gr.from))
	}
	if locks.Text != "" {
		lines = append(lines, "The locks they wait for:")
		lines = append(lines, strings.Split(strings.TrimRight(locks.Text, "\n"), "\n")...)
	}
	return lines
}

// LeakReport tells which goroutines a cell left running when it ended.
func LeakReport(leaked []Goroutine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "golab: the cell has finished, but %d %s still running:\n", len(leaked), plural(len(leaked), "goroutine is", "goroutines are"))
	// One line per place and state: "100 goroutines [sleep]: started at cell line 7".
	groups := groupGoroutines(leaked)
	const shown = 5
	for i, gr := range groups {
		if i == shown {
			rest := 0
			for _, other := range groups[shown:] {
				rest += len(other.ids)
			}
			fmt.Fprintf(&b, "  … and %d more in %d other places or states\n", rest, len(groups)-shown)
			break
		}
		if len(gr.ids) == 1 {
			fmt.Fprintf(&b, "  goroutine %d [%s]: %s\n", gr.ids[0], gr.state, gr.from)
		} else {
			fmt.Fprintf(&b, "  %d goroutines [%s]: %s\n", len(gr.ids), gr.state, gr.from)
		}
	}
	b.WriteString("They keep running in the background; what they print later is shown (under this cell when no other runs).\n" +
		"(In a compiled program they would end when main returns. Wait for them with a sync.WaitGroup or a channel.)\n")
	return b.String()
}

// BlockedBesideRunning is the note given when a cell's goroutines have all
// been blocked for a while (report, as DeadlockReport words them) while
// goroutines that earlier cells started still run or sleep (running): Go
// would wait too, as one of those might yet wake them, so golab does not
// end the cell, but says what it sees.
func BlockedBesideRunning(report []string, running []Goroutine, after time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "golab: for %v every goroutine of this cell has been blocked:\n", after)
	for _, line := range report {
		b.WriteString("  " + line + "\n")
	}
	fmt.Fprintf(&b, "Only %d %s that earlier cells started %s running, so this cell waits for %s (as a Go program would):\n",
		len(running), plural(len(running), "goroutine", "goroutines"), plural(len(running), "is", "are"), plural(len(running), "it", "them"))
	const listed = 3
	for i, g := range running {
		if i == listed {
			fmt.Fprintf(&b, "  and %d more\n", len(running)-listed)
			break
		}
		fmt.Fprintf(&b, "  goroutine %d [%s]: %s\n", g.ID, g.State, g.started())
	}
	b.WriteString("If nothing they do (or a timer) can wake this cell's goroutines, it is a deadlock: interrupt the cell, " +
		"and look for a send nobody receives, a lock never unlocked, or a Done never called.\n")
	return b.String()
}

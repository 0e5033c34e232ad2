package worker

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/kernel/interp/cell"
	"github.com/golab-notebooks/golab/kernel/interp/goroutines"
	"github.com/golab-notebooks/golab/runtime/check"
)

// inspectTests lends golab/check the worker's view of goroutines while a
// %check cell's tests run: a test whose goroutines all block fails at once
// with the circular wait named, and a failing run that left goroutines
// running says so. testBody is the source of the test being run, to find
// the learner's functions it calls.
func (w *Worker) inspectTests(testBody string) check.Inspector {
	return check.Inspector{
		Stuck: func(stop <-chan struct{}) <-chan string {
			found := make(chan string, 1)
			watcher := goroutines.NewGroupWatcher(func(g goroutines.Goroutine) bool {
				return strings.Contains(g.Stack, "(*stdinReader).Read") // waiting for the notebook
			})
			go watcher.Watch(stop, func(d goroutines.Deadlock) {
				found <- describeStuck(d.Others, d.Alive, w.lockingFunctions(testBody))
			})
			return found
		},
		Running: func() func() int {
			before := goroutines.MarkNow(goroutines.CurrentCell())
			return func() int { return len(goroutines.Leaked(before, 20*time.Millisecond)) }
		},
		Hint: func(failure string) string { return w.hints(testBody, failure) },
	}
}

// hints reads the learner's functions that a failed test calls, and those
// they call, for the usual mistakes (cell.Hints), one line each.
func (w *Worker) hints(testBody, failure string) string {
	var lines []string
	seen := map[string]bool{}
	reached := testBody
	for round := 0; round < 3; round++ { // the test's calls, theirs, and theirs
		var next strings.Builder
		for _, d := range w.defs.all() {
			if (d.Kind != cell.Func && d.Kind != cell.Method) || seen[d.Name] || !mentionsName(reached, d.Name) {
				continue
			}
			seen[d.Name] = true
			next.WriteString(d.Source + "\n")
			for _, h := range cell.Hints(d.Source) {
				if strings.HasPrefix(h.Text, "starts goroutines") && strings.Contains(failure, "wg.Wait()") {
					continue // the failure says so already
				}
				lines = append(lines, "hint: "+h.String(d.Name, d.Line))
			}
		}
		if next.Len() == 0 {
			break
		}
		reached = next.String()
	}
	return strings.Join(lines, "\n")
}

// lockingCode is a learner's function that takes locks, with the cell
// lines (of the cell that defines it) and text of each Lock call.
type lockingCode struct {
	name  string
	locks []string // "line 8: from.mu.Lock()"
}

// lockingFunctions returns the notebook's functions and methods that the
// test calls and that take locks.
func (w *Worker) lockingFunctions(testBody string) []lockingCode {
	var out []lockingCode
	for _, d := range w.defs.all() {
		if (d.Kind != cell.Func && d.Kind != cell.Method) || !strings.Contains(testBody, d.Name) {
			continue
		}
		lines := strings.Split(d.Source, "\n")
		var locks []string
		for _, wt := range cell.Waits(d.Source) {
			if wt.Kind != "lock" || wt.Line < 1 || wt.Line > len(lines) {
				continue
			}
			locks = append(locks, fmt.Sprintf("line %d: %s", d.Line+wt.Line-1, strings.TrimSpace(lines[wt.Line-1])))
		}
		if len(locks) > 0 {
			out = append(out, lockingCode{name: d.Name, locks: locks})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// mutexAddress finds the mutex a goroutine waits for in its stack:
// internal/sync.(*Mutex).lockSlow(0xc000123450).
var mutexAddress = regexp.MustCompile(`\(\*Mutex\)\.lockSlow\((0x[0-9a-f]+)`)

// describeStuck says which goroutines of a test wait on what, and, when
// they wait for two or more locks, that it is a circular wait.
func describeStuck(stuck []goroutines.Goroutine, alive map[int]bool, code []lockingCode) string {
	states := map[string]int{}
	var order []string
	mutexes := map[string]int{}
	var mutexOrder []string
	for _, g := range stuck {
		if states[g.State] == 0 {
			order = append(order, g.State)
		}
		states[g.State]++
		if m := mutexAddress.FindStringSubmatch(g.Stack); m != nil {
			if mutexes[m[1]] == 0 {
				mutexOrder = append(mutexOrder, m[1])
			}
			mutexes[m[1]]++
		}
	}
	sort.SliceStable(order, func(i, j int) bool { // the most common first; ties by name, for a stable text
		if states[order[i]] != states[order[j]] {
			return states[order[i]] > states[order[j]]
		}
		return order[i] < order[j]
	})
	var b strings.Builder
	if len(stuck) == 1 {
		b.WriteString("the test's only goroutine is blocked for good:")
	} else {
		fmt.Fprintf(&b, "all %d goroutines of the test are blocked, and none can go on:", len(stuck))
	}
	among := map[int]bool{}
	for _, g := range stuck {
		among[g.ID] = true
	}
	locks := lockReport(among, alive, nil, true)
	for _, s := range order {
		n := states[s]
		fmt.Fprintf(&b, "\n  %d %s %s", n, plural(n, "goroutine waits", "goroutines wait"), waitWords(s))
		if strings.Contains(s, "Mutex.Lock") && len(mutexOrder) > 1 && locks.Text == "" {
			counts := make([]string, len(mutexOrder))
			for i, m := range mutexOrder {
				counts[i] = fmt.Sprintf("%d for mutex %c", mutexes[m], 'A'+rune(i%26))
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(counts, ", "))
		}
	}
	if locks.Text != "" {
		// Who holds what, where: kernel/interp/sync recorded it.
		b.WriteString("\nThe locks they wait for:\n" + strings.TrimSuffix(locks.Text, "\n"))
		return b.String()
	}
	for _, c := range code {
		fmt.Fprintf(&b, "\n%s locks at %s of the cell that defines it:", c.name, plural(len(c.locks), "this line", "these lines"))
		for _, l := range c.locks {
			b.WriteString("\n  " + l)
		}
	}
	switch {
	case len(mutexOrder) > 1:
		b.WriteString("\nA circular wait: each of these mutexes is held by a goroutine that waits for another of them, " +
			"because goroutines take the same locks in different orders. Take the locks in one order in every goroutine " +
			"(for example, ordered by a field such as an ID).")
	case len(mutexOrder) == 1:
		b.WriteString("\nThey wait for one mutex that is never unlocked: is an Unlock missing on some path (an early return), " +
			"or does a goroutine lock a mutex it already holds (Go's mutexes are not reentrant)?")
	}
	return b.String()
}

// waitWords names what a goroutine in a runtime state waits for.
func waitWords(state string) string {
	switch {
	case strings.Contains(state, "Mutex.Lock"), strings.Contains(state, "Mutex.RLock"):
		return "for a lock (" + state + ")"
	case strings.Contains(state, "WaitGroup"):
		return "in wg.Wait() for Done calls that do not come"
	case strings.Contains(state, "Cond"):
		return "in a sync.Cond's Wait for a Signal or Broadcast"
	case strings.HasPrefix(state, "chan send"):
		return "to send on a channel no one receives from"
	case strings.HasPrefix(state, "chan receive"):
		return "to receive from a channel no one sends on or closes"
	case strings.HasPrefix(state, "select"):
		return "in a select where no case can go on"
	}
	return "(" + state + ")"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

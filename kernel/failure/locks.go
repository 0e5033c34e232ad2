package failure

import (
	"fmt"
	"sort"
	"strings"
)

// LockSite is where code took a lock or waits for one.
type LockSite struct {
	Line int    // the line of the call, in the cell that holds the code; 0 when not known
	Func string // the function (or "Type.Method") around the call; "" for a cell's statements
	Call string // the call as written: "from.mu.Lock()"
}

func (s LockSite) known() bool { return s.Line > 0 }

// LockHold is a goroutine holding a lock.
type LockHold struct {
	Goroutine int
	Site      LockSite
	Read      bool // a read lock of an RWMutex
}

// LockWait is a goroutine waiting in a Lock or RLock call for a lock that
// other goroutines hold.
type LockWait struct {
	Goroutine int
	Site      LockSite
	Read      bool
	Lock      int  // which lock: the same number for the same lock
	RW        bool // the lock is an RWMutex
	Holders   []LockHold
}

// Locks is what a report says of the locks blocked goroutines wait for: a
// text with one line per lock and what the pattern means, and per
// goroutine, the lock it waits for and where.
type Locks struct {
	Text    string         // "" when no goroutine waits for a recorded lock
	Waiting map[int]string // goroutine → "waits for mutex b (b.Lock(), cell line 8)"
}

// LockReport says, one line per lock, which goroutine holds each lock that
// blocked goroutines wait for and where each took it or waits for it; then
// what the pattern means: a circular wait (circle, the waits around it in
// order, if any), a lock its holder asks for again, or a lock whose holder
// ended without unlocking it. alive are all goroutines that still exist.
// inTest says that the goroutines run a %check test, whose own lines are
// not the cell's.
func LockReport(waits, circle []LockWait, alive map[int]bool, inTest bool) Locks {
	if len(waits) == 0 {
		return Locks{}
	}
	// The locks in the order the report names them: the circle's first.
	var order []int
	byLock := map[int][]LockWait{}
	for _, w := range append(append([]LockWait(nil), circle...), waits...) {
		if _, seen := byLock[w.Lock]; !seen {
			order = append(order, w.Lock)
			byLock[w.Lock] = nil
		}
	}
	for _, w := range waits {
		byLock[w.Lock] = append(byLock[w.Lock], w)
	}
	names := lockNames(order, byLock)
	facts := Locks{Waiting: map[int]string{}}
	var b strings.Builder
	var relocked, rereads, abandoned bool
	for _, lock := range order {
		ws := byLock[lock]
		fmt.Fprintf(&b, "  %s: %s", names[lock], holdersText(ws[0].Holders, alive, inTest))
		for _, h := range ws[0].Holders {
			switch {
			case !alive[h.Goroutine]:
				abandoned = true
			case waitsFor(ws, h.Goroutine):
				relocked = true
				// A reader asking again while a writer waits: RWMutex lets
				// no new reader in then, so writers are not starved.
				rereads = rereads || (h.Read && readsAgainBehindWriter(ws, h.Goroutine))
			}
		}
		first := -1
		for _, w := range circle {
			if w.Lock == lock {
				first = w.Goroutine
			}
		}
		b.WriteString("; " + waitersText(ws, first, inTest) + "\n")
		for _, w := range ws {
			facts.Waiting[w.Goroutine] = "waits for " + names[lock] + siteText(w.Site, inTest)
		}
	}
	switch {
	case len(circle) > 1:
		ids := make([]string, len(circle))
		for i, w := range circle {
			ids[i] = fmt.Sprint(w.Goroutine)
		}
		fmt.Fprintf(&b, "A circular wait: goroutines %s each wait for a lock the next one holds, because they take "+
			"the same locks in different orders. Take the locks in one order in every goroutine "+
			"(for example, ordered by a field such as an ID).\n", strings.Join(ids, " → ")+" → "+ids[0])
	case rereads:
		b.WriteString("A goroutine that holds a read lock asks for another while a writer waits. Once a writer " +
			"waits, an RWMutex lets no new reader in (so that writers are not starved): the second RLock waits for the " +
			"writer, and the writer for the first RLock. Do not RLock again in code that runs with the read lock held.\n")
	case relocked:
		b.WriteString("A goroutine waits for a lock it holds itself: Go's mutexes are not reentrant. " +
			"Unlock it first, or do not lock it again in code that runs with it held.\n")
	case abandoned:
		b.WriteString("A goroutine ended while it held a lock, so no one will ever unlock it: " +
			"is an Unlock missing on some path (an early return)? `defer mu.Unlock()` right after Lock prevents that.\n")
	}
	facts.Text = b.String()
	return facts
}

// lockNames names each lock after the variable the code locks it through
// ("mutex b") when every call that took it or waits for it says the same,
// and by number ("mutex #1") when they differ (Transfer's from.mu is the
// other goroutine's to.mu) or another lock has that name.
func lockNames(order []int, byLock map[int][]LockWait) map[int]string {
	names := map[int]string{}
	used := map[string]int{}
	for _, lock := range order {
		receiver := ""
		for _, w := range byLock[lock] {
			sites := []LockSite{w.Site}
			for _, h := range w.Holders {
				sites = append(sites, h.Site)
			}
			for _, s := range sites {
				r, ok := lockReceiver(s)
				switch {
				case !ok:
				case receiver == "":
					receiver = r
				case receiver != r:
					receiver = "\x00" // differs
				}
			}
		}
		names[lock] = receiver
		used[receiver]++
	}
	for i, lock := range order {
		if r := names[lock]; r == "" || r == "\x00" || used[r] > 1 {
			names[lock] = fmt.Sprintf("%s #%d", lockKind(byLock[lock]), i+1)
		} else {
			names[lock] = lockKind(byLock[lock]) + " " + r
		}
	}
	return names
}

// lockReceiver is what a site's call locks: "b" for b.Lock(), "c.mu" for
// c.mu.RLock().
func lockReceiver(s LockSite) (string, bool) {
	if !s.known() {
		return "", false
	}
	r, ok := strings.CutSuffix(s.Call, ".Lock()")
	if !ok {
		r, ok = strings.CutSuffix(s.Call, ".RLock()")
	}
	return r, ok
}

func lockKind(ws []LockWait) string {
	if len(ws) > 0 && ws[0].RW {
		return "RWMutex"
	}
	return "mutex"
}

// readsAgainBehindWriter reports whether goroutine g waits to read-lock
// the lock while another goroutine waits to write-lock it.
func readsAgainBehindWriter(ws []LockWait, g int) bool {
	reads, writer := false, false
	for _, w := range ws {
		reads = reads || (w.Goroutine == g && w.Read)
		writer = writer || (w.Goroutine != g && !w.Read)
	}
	return reads && writer
}

func waitsFor(ws []LockWait, g int) bool {
	for _, w := range ws {
		if w.Goroutine == g {
			return true
		}
	}
	return false
}

// holdersText says who holds a lock: "goroutine 7 holds it
// (from.mu.Lock() in Transfer, cell line 8)".
func holdersText(holders []LockHold, alive map[int]bool, inTest bool) string {
	if len(holders) == 0 {
		return "no goroutine that golab saw lock it holds it"
	}
	var parts []string
	for _, h := range holders {
		how := "holds it"
		if h.Read {
			how = "holds it for reading"
		}
		if !alive[h.Goroutine] {
			how = "locked it and ended without unlocking it"
		}
		parts = append(parts, fmt.Sprintf("goroutine %d %s%s", h.Goroutine, how, siteText(h.Site, inTest)))
	}
	return strings.Join(parts, ", ")
}

// waitersText says who waits for a lock, grouped by where they wait:
// "goroutine 8 waits for it (to.mu.Lock() in Transfer, cell line 11); 9
// more wait for it (…)". The goroutine of the circular wait, first, comes
// first.
func waitersText(ws []LockWait, first int, inTest bool) string {
	type group struct {
		site LockSite
		read bool
		ids  []int
	}
	var groups []*group
	for _, w := range ws {
		var g *group
		for _, have := range groups {
			if have.site == w.Site && have.read == w.Read && (w.Goroutine != first || len(groups) == 0) {
				g = have
			}
		}
		if w.Goroutine == first {
			g = &group{site: w.Site, read: w.Read}
			groups = append([]*group{g}, groups...)
		} else if g == nil {
			g = &group{site: w.Site, read: w.Read}
			groups = append(groups, g)
		}
		g.ids = append(g.ids, w.Goroutine)
	}
	var parts []string
	for i, g := range groups {
		sort.Ints(g.ids)
		verb := "waits for it"
		if g.read {
			verb = "waits to read-lock it"
		}
		who := fmt.Sprintf("goroutine %d", g.ids[0])
		if len(g.ids) > 1 || (i > 0 && groups[0].ids[0] == first) {
			if len(g.ids) > 1 {
				verb = strings.Replace(verb, "waits", "wait", 1)
			}
			switch {
			case len(g.ids) <= 3:
				who = plural(len(g.ids), "goroutine ", "goroutines ") + joinInts(g.ids)
			default:
				who = fmt.Sprintf("%d more goroutines", len(g.ids))
			}
		}
		parts = append(parts, who+" "+verb+siteText(g.site, inTest))
	}
	return strings.Join(parts, "; ")
}

// siteText is " (from.mu.Lock() in Transfer, cell line 8)", or "" when the
// site is not known.
func siteText(s LockSite, inTest bool) string {
	switch {
	case !s.known():
		return ""
	case s.Func == "" && inTest:
		return fmt.Sprintf(" (%s in the test)", s.Call) // its lines are not the cell's
	case s.Func != "":
		return fmt.Sprintf(" (%s in %s, cell line %d)", s.Call, s.Func, s.Line)
	}
	return fmt.Sprintf(" (%s, cell line %d)", s.Call, s.Line)
}

func joinInts(ids []int) string {
	if len(ids) == 1 {
		return fmt.Sprint(ids[0])
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	if len(parts) == 2 {
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

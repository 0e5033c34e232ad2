package worker

import (
	"github.com/golab-notebooks/golab/kernel/failure"
	cellsync "github.com/golab-notebooks/golab/kernel/interp/sync"
)

// lockReport gathers what the cell's mutexes recorded about the locks the
// goroutines among wait for (kernel/interp/sync), for failure.LockReport to
// word. alive are all goroutines that still exist; shown maps the
// goroutine IDs the report calls otherwise (the cell's own goroutine is
// "goroutine 1", as Go calls a program's main goroutine); inTest says that
// the goroutines run a %check test, whose own lines are not the cell's.
func lockReport(among, alive map[int]bool, shown map[int]int, inTest bool) failure.Locks {
	var waits []cellsync.Wait
	for _, w := range cellsync.Waits() {
		if among[w.Goroutine] {
			waits = append(waits, renamed(w, shown))
		}
	}
	ids := map[any]int{}
	facts := func(ws []cellsync.Wait) []failure.LockWait {
		var out []failure.LockWait
		for _, w := range ws {
			if _, ok := ids[w.Lock]; !ok {
				ids[w.Lock] = len(ids) + 1
			}
			_, rw := w.Lock.(*cellsync.RWMutex)
			fw := failure.LockWait{Goroutine: w.Goroutine, Site: failure.LockSite(w.Site), Read: w.Read, Lock: ids[w.Lock], RW: rw}
			for _, h := range w.Holders {
				fw.Holders = append(fw.Holders, failure.LockHold{Goroutine: h.Goroutine, Site: failure.LockSite(h.Site), Read: h.Read})
			}
			out = append(out, fw)
		}
		return out
	}
	return failure.LockReport(facts(waits), facts(cellsync.Circle(waits)), renamedSet(alive, shown), inTest)
}

// renamed gives a wait and its holders the IDs the report shows.
func renamed(w cellsync.Wait, shown map[int]int) cellsync.Wait {
	if id, ok := shown[w.Goroutine]; ok {
		w.Goroutine = id
	}
	holders := make([]cellsync.Hold, len(w.Holders))
	for i, h := range w.Holders {
		if id, ok := shown[h.Goroutine]; ok {
			h.Goroutine = id
		}
		holders[i] = h
	}
	w.Holders = holders
	return w
}

func renamedSet(ids map[int]bool, shown map[int]int) map[int]bool {
	out := make(map[int]bool, len(ids))
	for id := range ids {
		if to, ok := shown[id]; ok {
			id = to
		}
		out[id] = true
	}
	return out
}

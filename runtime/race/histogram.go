// Package race answers the lecture's question "what is the value of the
// counter at the end?" three ways: by running a racy function many times
// and counting the outcomes (Histogram), by forcing the unlucky switch
// between a read and a write on demand (Switch), and by enumerating every
// interleaving of a small model of the goroutines (Model.Explore), which
// also finds the data races in it.
//
// In a golab notebook, import it as "golab/race":
//
//	race.Histogram(1000, func() int {
//		counter := 0
//		var wg sync.WaitGroup
//		for range 2 {
//			wg.Add(1)
//			go func() { defer wg.Done(); counter++ }()
//		}
//		wg.Wait()
//		return counter
//	}).Show()
package race

import (
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/internal/replay"
	"github.com/golab-notebooks/golab/runtime/chart"
	"github.com/golab-notebooks/golab/runtime/display"
)

// Outcomes counts the results of repeated runs.
type Outcomes struct {
	Runs   int
	Counts map[int]int // result -> how many runs gave it
	Took   time.Duration
	// Seeds holds, for each result, the seed of the first run that gave
	// it, when the runs could be replayed (in golab with its scheduling
	// noise on): Rerun(seed, f) runs f again with that run's schedule and
	// gives the same result.
	Seeds map[int]uint64
	// Replayable counts the runs whose schedule their seed alone decided
	// (all of them, for goroutines that share memory and synchronize with
	// mutexes, atomics or a WaitGroup; see Rerun).
	Replayable int
}

// Histogram runs f the given number of times and counts its results,
// showing progress in the cell while it runs (for runs that take a while).
//
// In golab, with its scheduling noise on, each run has a seed of its own,
// the next ones after the seed %noise shows (%noise seed=7 sets it): the
// goroutines f starts take turns that the seed decides, so the same seed
// gives the same histogram, and each result's seed replays it (Rerun).
func Histogram(runs int, f func() int) *Outcomes {
	o := &Outcomes{Counts: map[int]int{}, Seeds: map[int]uint64{}}
	start := time.Now()
	var progress *display.Handle
	lastShown := start
	first, seeded := uint64(0), false
	if replay.Seeds != nil && replay.Run != nil {
		first, seeded = replay.Seeds(runs)
	}
	for i := 0; i < runs; i++ {
		if seeded {
			seed := first + uint64(i)
			var r int
			if replay.Run(seed, func() { r = f() }) {
				o.Replayable++
				if _, ok := o.Seeds[r]; !ok {
					o.Seeds[r] = seed
				}
			}
			o.Counts[r]++
		} else {
			o.Counts[f()]++
		}
		o.Runs++
		if now := time.Now(); now.Sub(lastShown) > 250*time.Millisecond {
			lastShown = now
			text := fmt.Sprintf("race.Histogram: %d of %d runs", i+1, runs)
			if progress == nil {
				progress = display.New(text)
			} else {
				progress.Update(text)
			}
		}
	}
	o.Took = time.Since(start)
	if progress != nil {
		progress.Update(fmt.Sprintf("race.Histogram: %d runs in %v", runs, o.Took.Round(time.Millisecond)))
	}
	return o
}

// Rerun runs f once, with the schedule of the run of Histogram that had
// that seed, and returns its result: the result that run gave, when
// Histogram counted it as replayable. (Goroutines that wake from a
// channel while others run make a schedule depend on timing again;
// Histogram does not list seeds for such runs.) Outside
// golab, or with its scheduling noise off, Rerun just calls f.
func Rerun(seed uint64, f func() int) int {
	if replay.Run == nil {
		return f()
	}
	var r int
	replay.Run(seed, func() { r = f() })
	return r
}

// seedOf returns the seed that replays one of the results of a group, if
// any: the smallest.
func (o *Outcomes) seedOf(g Group) (uint64, bool) {
	var best uint64
	found := false
	for r, s := range o.Seeds {
		if r >= g.Lo && r <= g.Hi && (!found || s < best) {
			best, found = s, true
		}
	}
	return best, found
}

// Results returns the distinct results, smallest first.
func (o *Outcomes) Results() []int {
	out := make([]int, 0, len(o.Counts))
	for r := range o.Counts {
		out = append(out, r)
	}
	sort.Ints(out)
	return out
}

// Share returns the fraction of runs that gave result r.
func (o *Outcomes) Share(r int) float64 {
	if o.Runs == 0 {
		return 0
	}
	return float64(o.Counts[r]) / float64(o.Runs)
}

// maxRows is how many rows the table and bars the chart have at most:
// past that, results are grouped into ranges.
const maxRows = 12

// Group is a range of results, Lo to Hi inclusive, and how many runs gave
// one of them.
type Group struct {
	Lo, Hi, Runs int
}

// Label is the group's result, or its range "Lo–Hi".
func (g Group) Label() string {
	if g.Lo == g.Hi {
		return strconv.Itoa(g.Lo)
	}
	return strconv.Itoa(g.Lo) + "–" + strconv.Itoa(g.Hi)
}

// Groups returns the results for a table or chart: each distinct result
// when there are at most 12, else at most 12 ranges of equal width (a
// round number) from the smallest result to the largest, empty ones
// included so that the shape shows.
func (o *Outcomes) Groups() []Group {
	results := o.Results()
	if len(results) <= maxRows {
		out := make([]Group, len(results))
		for i, r := range results {
			out[i] = Group{Lo: r, Hi: r, Runs: o.Counts[r]}
		}
		return out
	}
	lo, hi := results[0], results[len(results)-1]
	width := roundWidth((hi - lo + maxRows) / maxRows)
	start := lo - lo%width
	if lo < 0 && lo%width != 0 {
		start -= width
	}
	var out []Group
	for from := start; from <= hi; from += width {
		out = append(out, Group{Lo: from, Hi: from + width - 1})
	}
	for _, r := range results {
		out[(r-start)/width].Runs += o.Counts[r]
	}
	return out
}

// roundWidth is the smallest of 1, 2, 5, 10, 20, 50, … at least w.
func roundWidth(w int) int {
	for scale := 1; ; scale *= 10 {
		for _, step := range []int{1, 2, 5} {
			if step*scale >= w {
				return step * scale
			}
		}
	}
}

// String is a text table of the outcomes.
func (o *Outcomes) String() string {
	var b strings.Builder
	groups := o.Groups()
	fmt.Fprintf(&b, "%d runs, %d different results\n", o.Runs, len(o.Counts))
	width := 8
	for _, g := range groups {
		width = max(width, len([]rune(g.Label())))
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "%*s: %6d runs (%5.1f%%)", width, g.Label(), g.Runs, 100*o.share(g.Runs))
		if s, ok := o.seedOf(g); ok {
			fmt.Fprintf(&b, "   race.Rerun(%d, f) gives it again", s)
		}
		b.WriteString("\n")
	}
	b.WriteString(o.replayNote())
	return b.String()
}

// replayNote says how many runs can be replayed by their seed, if any
// could.
func (o *Outcomes) replayNote() string {
	if len(o.Seeds) == 0 {
		return ""
	}
	if o.Replayable == o.Runs {
		return fmt.Sprintf("all %d runs replay by their seed (race.Rerun): %%noise seed=N before the cell gives the same histogram again\n", o.Runs)
	}
	return fmt.Sprintf("%d of %d runs replay by their seed (race.Rerun); the others depended on the machine's timing (a goroutine woke from a channel, or ran long without a switch point, while others ran), so the same seed can give another histogram\n", o.Replayable, o.Runs)
}

func (o *Outcomes) share(runs int) float64 {
	if o.Runs == 0 {
		return 0
	}
	return float64(runs) / float64(o.Runs)
}

// HTML is the outcomes as an HTML table.
func (o *Outcomes) HTML() string {
	var b strings.Builder
	seeds := len(o.Seeds) > 0
	b.WriteString("<table><thead><tr><th>result</th><th>runs</th><th>share</th>")
	if seeds {
		b.WriteString("<th>replay it</th>")
	}
	b.WriteString("</tr></thead><tbody>")
	for _, g := range o.Groups() {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%d</td><td>%.1f%%</td>", html.EscapeString(g.Label()), g.Runs, 100*o.share(g.Runs))
		if s, ok := o.seedOf(g); ok {
			fmt.Fprintf(&b, "<td><code>race.Rerun(%d, f)</code></td>", s)
		} else if seeds {
			b.WriteString("<td></td>")
		}
		b.WriteString("</tr>")
	}
	fmt.Fprintf(&b, "</tbody></table><p>%d runs, %d different results, in %s</p>", o.Runs, len(o.Counts), html.EscapeString(o.Took.Round(time.Millisecond).String()))
	if note := o.replayNote(); note != "" {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(strings.TrimSpace(note)))
	}
	return b.String()
}

// Chart draws the outcomes as a bar chart.
func (o *Outcomes) Chart(title string) *chart.Chart {
	if title == "" {
		title = fmt.Sprintf("Outcomes of %d runs", o.Runs)
	}
	var labels []string
	var values []float64
	for _, g := range o.Groups() {
		labels = append(labels, g.Label())
		values = append(values, float64(g.Runs))
	}
	return chart.Bars(title, labels, values)
}

// Show displays the table and the bar chart in the notebook.
func (o *Outcomes) Show() {
	display.Show(display.Bundle{
		"text/html":  o.HTML() + o.Chart("").SVG(),
		"text/plain": o.String(),
	})
}

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

	"github.com/golab-notebooks/golab/runtime/chart"
	"github.com/golab-notebooks/golab/runtime/display"
)

// Outcomes counts the results of repeated runs.
type Outcomes struct {
	Runs   int
	Counts map[int]int // result -> how many runs gave it
	Took   time.Duration
}

// Histogram runs f the given number of times and counts its results,
// showing progress in the cell while it runs (for runs that take a while).
func Histogram(runs int, f func() int) *Outcomes {
	o := &Outcomes{Counts: map[int]int{}}
	start := time.Now()
	var progress *display.Handle
	lastShown := start
	for i := 0; i < runs; i++ {
		o.Counts[f()]++
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
		fmt.Fprintf(&b, "%*s: %6d runs (%5.1f%%)\n", width, g.Label(), g.Runs, 100*o.share(g.Runs))
	}
	return b.String()
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
	b.WriteString("<table><thead><tr><th>result</th><th>runs</th><th>share</th></tr></thead><tbody>")
	for _, g := range o.Groups() {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%d</td><td>%.1f%%</td></tr>", html.EscapeString(g.Label()), g.Runs, 100*o.share(g.Runs))
	}
	fmt.Fprintf(&b, "</tbody></table><p>%d runs, %d different results, in %s</p>", o.Runs, len(o.Counts), html.EscapeString(o.Took.Round(time.Millisecond).String()))
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

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

// String is a text table of the outcomes.
func (o *Outcomes) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d runs\n", o.Runs)
	for _, r := range o.Results() {
		fmt.Fprintf(&b, "%8d: %6d runs (%5.1f%%)\n", r, o.Counts[r], 100*o.Share(r))
	}
	return b.String()
}

// HTML is the outcomes as an HTML table.
func (o *Outcomes) HTML() string {
	var b strings.Builder
	b.WriteString("<table><thead><tr><th>result</th><th>runs</th><th>share</th></tr></thead><tbody>")
	for _, r := range o.Results() {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%d</td><td>%.1f%%</td></tr>", r, o.Counts[r], 100*o.Share(r))
	}
	fmt.Fprintf(&b, "</tbody></table><p>%d runs in %s</p>", o.Runs, html.EscapeString(o.Took.Round(time.Millisecond).String()))
	return b.String()
}

// Chart draws the outcomes as a bar chart.
func (o *Outcomes) Chart(title string) *chart.Chart {
	if title == "" {
		title = fmt.Sprintf("Outcomes of %d runs", o.Runs)
	}
	var labels []string
	var values []float64
	for _, r := range o.Results() {
		labels = append(labels, strconv.Itoa(r))
		values = append(values, float64(o.Counts[r]))
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

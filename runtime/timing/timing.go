// Package timing measures how long code takes, compares variants side by
// side, shows how work speeds up with more goroutines (against Amdahl's
// law), and offers a virtual clock so that sleep-based lessons run fast and
// give the same times on every run.
//
// In a golab notebook, import it as "golab/timing":
//
//	timing.Compare(5,
//		timing.Variant{Name: "mutex", Run: withMutex},
//		timing.Variant{Name: "atomic", Run: withAtomic},
//	).Show()
package timing

import (
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/internal/human"
	"github.com/golab-notebooks/golab/runtime/chart"
	"github.com/golab-notebooks/golab/runtime/display"
)

// Stats summarizes repeated runs of one piece of code.
type Stats struct {
	Name             string
	Runs             int
	Min, Median, Max time.Duration
	Mean             time.Duration
}

// String is one line: "name: median 1.2ms (min 1.1ms, max 1.9ms, 5 runs)".
func (s Stats) String() string {
	return fmt.Sprintf("%s: median %v (min %v, max %v, %d runs)", s.Name, human.Round(s.Median), human.Round(s.Min), human.Round(s.Max), s.Runs)
}

// Measure runs f the given number of times (at least once) and returns the
// spread of its durations.
func Measure(name string, repeat int, f func()) Stats {
	repeat = max(repeat, 1)
	times := make([]time.Duration, repeat)
	for i := range times {
		start := time.Now()
		f()
		times[i] = time.Since(start)
	}
	return summarize(name, times)
}

func summarize(name string, times []time.Duration) Stats {
	sorted := append([]time.Duration(nil), times...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	var total time.Duration
	for _, t := range sorted {
		total += t
	}
	n := len(sorted)
	median := sorted[n/2]
	if n%2 == 0 {
		median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return Stats{Name: name, Runs: n, Min: sorted[0], Median: median, Max: sorted[n-1], Mean: total / time.Duration(n)}
}

// Variant is one way of doing the same work, for Compare.
type Variant struct {
	Name string
	Run  func()
}

// Comparison is the result of Compare: the variants' stats, in the order
// given.
type Comparison struct {
	Stats []Stats
	CPU   CPU // what the process could use while it measured
}

// Compare measures each variant, interleaving their runs so that a change
// in the machine's load affects all of them alike, and shows progress.
func Compare(repeat int, variants ...Variant) *Comparison {
	repeat = max(repeat, 1)
	times := make([][]time.Duration, len(variants))
	progress := display.New(fmt.Sprintf("timing.Compare: 0 of %d rounds", repeat))
	for round := 0; round < repeat; round++ {
		for i, v := range variants {
			start := time.Now()
			v.Run()
			times[i] = append(times[i], time.Since(start))
		}
		progress.Update(fmt.Sprintf("timing.Compare: %d of %d rounds", round+1, repeat))
	}
	c := &Comparison{CPU: CPUs()}
	for i, v := range variants {
		c.Stats = append(c.Stats, summarize(v.Name, times[i]))
	}
	return c
}

// Fastest returns the stats of the variant with the smallest median.
func (c *Comparison) Fastest() Stats {
	best := c.Stats[0]
	for _, s := range c.Stats[1:] {
		if s.Median < best.Median {
			best = s
		}
	}
	return best
}

// String is a text table, with each variant's median relative to the
// fastest.
func (c *Comparison) String() string {
	var b strings.Builder
	if len(c.Stats) == 0 {
		return "no variants\n"
	}
	fast := c.Fastest().Median
	for _, s := range c.Stats {
		fmt.Fprintf(&b, "%-16s median %-10v min %-10v max %-10v ×%.2f\n", s.Name, human.Round(s.Median), human.Round(s.Min), human.Round(s.Max), ratio(s.Median, fast))
	}
	if c.CPU.Usable > 0 {
		fmt.Fprintf(&b, "Measured where %s.\n", c.CPU)
	}
	return b.String()
}

// HTML is the comparison as a table.
func (c *Comparison) HTML() string {
	if len(c.Stats) == 0 {
		return "<p>no variants</p>"
	}
	fast := c.Fastest().Median
	var b strings.Builder
	b.WriteString("<table><thead><tr><th>variant</th><th>median</th><th>min</th><th>max</th><th>vs fastest</th></tr></thead><tbody>")
	for _, s := range c.Stats {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%v</td><td>%v</td><td>%v</td><td>×%.2f</td></tr>",
			html.EscapeString(s.Name), human.Round(s.Median), human.Round(s.Min), human.Round(s.Max), ratio(s.Median, fast))
	}
	b.WriteString("</tbody></table>")
	if c.CPU.Usable > 0 {
		fmt.Fprintf(&b, "<p>Measured where %s.</p>", html.EscapeString(c.CPU.String()))
	}
	return b.String()
}

// Chart draws the medians as bars, in milliseconds.
func (c *Comparison) Chart() *chart.Chart {
	var labels []string
	var values []float64
	for _, s := range c.Stats {
		labels = append(labels, s.Name)
		values = append(values, float64(s.Median.Microseconds())/1000)
	}
	bars := chart.Bars("median time (ms)", labels, values)
	return bars
}

// Show displays the table and chart.
func (c *Comparison) Show() {
	display.Show(display.Bundle{"text/html": c.HTML() + c.Chart().SVG(), "text/plain": c.String()})
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

package display

import (
	"fmt"
	"html"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Table displays rows of cells under a header, as an HTML table (and
// aligned columns as text).
func Table(header []string, rows [][]string) {
	Show(Bundle{"text/html": tableHTML(header, rows), "text/plain": tableText(header, rows)})
}

func tableHTML(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString("<table><thead><tr>")
	for _, h := range header {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, row := range rows {
		b.WriteString("<tr>")
		for _, c := range row {
			fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

func tableText(header []string, rows [][]string) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, row := range rows {
		fmt.Fprintln(w, strings.Join(row, "\t"))
	}
	_ = w.Flush() // writes to a strings.Builder do not fail
	return strings.TrimRight(b.String(), "\n")
}

// Progress is a progress bar that updates in place, safe to advance from
// many goroutines. Make one with NewProgress.
type Progress struct {
	mu      sync.Mutex
	handle  *Handle
	label   string
	done    int
	total   int
	start   time.Time
	shownAt time.Time
}

// NewProgress displays a progress bar for total steps of work.
func NewProgress(label string, total int) *Progress {
	p := &Progress{label: label, total: max(total, 1), start: time.Now()}
	p.handle = NewBundle(p.bundle())
	return p
}

// Add advances the bar by n steps. The display is redrawn at most every
// 100 ms, and always when the work is complete.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = min(p.done+n, p.total)
	if now := time.Now(); p.done == p.total || now.Sub(p.shownAt) >= 100*time.Millisecond {
		p.shownAt = now
		p.handle.UpdateBundle(p.bundle())
	}
}

// Done returns how many steps are complete.
func (p *Progress) Done() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// bundle draws the bar; callers hold p.mu (or own p).
func (p *Progress) bundle() Bundle {
	percent := 100 * p.done / p.total
	elapsed := time.Since(p.start).Round(time.Millisecond)
	const width = 30
	filled := width * p.done / p.total
	text := fmt.Sprintf("%s [%s%s] %d/%d (%d%%) %v", p.label, strings.Repeat("#", filled), strings.Repeat(" ", width-filled), p.done, p.total, percent, elapsed)
	htmlBar := fmt.Sprintf(`<div><span>%s</span> <progress value="%d" max="%d" style="width:20em"></progress> %d/%d (%d%%) %v</div>`,
		html.EscapeString(p.label), p.done, p.total, p.done, p.total, percent, elapsed)
	return Bundle{"text/html": htmlBar, "text/plain": text}
}

package timeline

import (
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/golab-notebooks/golab/runtime/chart"
	"github.com/golab-notebooks/golab/runtime/display"
)

// Chart draws the timeline as a Gantt chart: a row per goroutine, work
// spans in the goroutine's color, waits in grey, hand-offs as arrows.
func (r *Recorder) Chart(title string) *chart.Chart {
	rows := r.Goroutines()
	g := &gantt{spans: r.Spans(), arrows: r.Arrows(), row: map[string]int{}, rows: len(rows), unit: time.Millisecond}
	for i, name := range rows {
		g.row[name] = len(rows) - 1 - i // the first goroutine on top
	}
	end := time.Duration(0)
	for _, s := range g.spans {
		end = max(end, s.End)
	}
	for _, a := range g.arrows {
		end = max(end, a.Received)
	}
	if end >= 5*time.Second {
		g.unit = time.Second
	}
	g.end = end
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "time (" + unitName(g.unit) + ")"
	if r.axis != "" {
		p.X.Label.Text = r.axis
		if r.axisUnit > 0 {
			g.unit = r.axisUnit
		}
	}
	p.X.Min = 0
	p.Add(g)
	if len(rows) > 0 {
		reversed := make([]string, len(rows))
		for i, name := range rows {
			reversed[len(rows)-1-i] = name
		}
		p.NominalY(reversed...)
	}
	height := vg.Points(70 + 34*float64(max(1, len(rows))))
	return chart.FromPlot(p, vg.Points(560), height, r.String())
}

// SVG draws the timeline (see Chart) as an SVG document.
func (r *Recorder) SVG() string { return r.Chart("").SVG() }

// Show displays the timeline in the notebook (as text outside one).
func (r *Recorder) Show() { r.Chart("").Show() }

// ShowTitled displays the timeline with a title.
func (r *Recorder) ShowTitled(title string) { r.Chart(title).Show() }

// Display returns a display handle showing the timeline so far; call
// Update on the returned function to redraw it in place, e.g. from a
// ticker while goroutines run.
func (r *Recorder) Display(title string) (update func()) {
	bundle := func() display.Bundle {
		c := r.Chart(title)
		return display.Bundle{"image/svg+xml": c.SVG(), "text/plain": c.String()}
	}
	h := display.NewBundle(bundle())
	return func() { h.UpdateBundle(bundle()) }
}

func unitName(u time.Duration) string {
	if u == time.Second {
		return "s"
	}
	return "ms"
}

// gantt is a gonum plotter drawing spans and arrows.
type gantt struct {
	spans  []Span
	arrows []Arrow
	row    map[string]int
	rows   int
	unit   time.Duration
	end    time.Duration
}

func (g *gantt) x(d time.Duration) float64 { return float64(d) / float64(g.unit) }

// DataRange implements plot.DataRanger.
func (g *gantt) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, math.Max(g.x(g.end), 1e-9), -0.5, float64(g.rows) - 0.5
}

var (
	waitColor  = color.Gray{Y: 0xc8}
	arrowColor = color.Gray{Y: 0x30}
)

// Plot implements plot.Plotter.
func (g *gantt) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	label := text.Style{
		Color:   color.White,
		Font:    font.From(plot.DefaultFont, vg.Points(8)),
		XAlign:  text.XCenter,
		YAlign:  text.YCenter,
		Handler: plot.DefaultTextHandler,
	}
	for _, s := range g.spans {
		row := float64(g.row[s.Goroutine])
		x0, x1 := trX(g.x(s.Start)), trX(g.x(s.End))
		if x1-x0 < 1 {
			x1 = x0 + 1 // an instant still shows
		}
		half := 0.34
		fill := chart.Color(g.rows - 1 - g.row[s.Goroutine])
		style := label
		if s.Kind == Wait {
			fill, half = waitColor, 0.22
			style.Color = color.Black
		}
		y0, y1 := trY(row-half), trY(row+half)
		c.FillPolygon(fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		if s.Label != "" && style.Width(s.Label)+4 < x1-x0 {
			c.FillText(style, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, s.Label)
		}
	}
	line := draw.LineStyle{Color: arrowColor, Width: vg.Points(1)}
	small := label
	small.Color = arrowColor
	small.XAlign = text.XLeft
	for _, a := range g.arrows {
		from, to := float64(g.row[a.From]), float64(g.row[a.To])
		dir := 1.0
		if to < from {
			dir = -1
		}
		start := vg.Point{X: trX(g.x(a.Sent)), Y: trY(from + dir*0.34)}
		end := vg.Point{X: trX(g.x(a.Received)), Y: trY(to - dir*0.34)}
		c.StrokeLines(line, []vg.Point{start, end})
		drawHead(&c, start, end)
		if a.Label != "" {
			c.FillText(small, vg.Point{X: (start.X+end.X)/2 + 2, Y: (start.Y + end.Y) / 2}, a.Label)
		}
	}
}

// drawHead draws an arrow head at end, pointing away from start.
func drawHead(c *draw.Canvas, start, end vg.Point) {
	dx, dy := float64(end.X-start.X), float64(end.Y-start.Y)
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	ux, uy := dx/n, dy/n
	const size = 5.0
	back := vg.Point{X: end.X - vg.Length(ux*size), Y: end.Y - vg.Length(uy*size)}
	left := vg.Point{X: back.X - vg.Length(uy*size/2), Y: back.Y + vg.Length(ux*size/2)}
	right := vg.Point{X: back.X + vg.Length(uy*size/2), Y: back.Y - vg.Length(ux*size/2)}
	c.FillPolygon(arrowColor, []vg.Point{end, left, right})
}

// compile-time checks that gantt is a gonum plotter.
var (
	_ plot.Plotter    = (*gantt)(nil)
	_ plot.DataRanger = (*gantt)(nil)
)

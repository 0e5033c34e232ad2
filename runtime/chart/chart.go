// Package chart draws the charts of the golab lessons (bar charts of
// outcomes, speedup curves, ...) with gonum/plot, and shows them in a
// notebook cell as SVG, or writes them as SVG or PNG files.
//
// In a golab notebook, import it as "golab/chart":
//
//	import "golab/chart"
//
//	chart.Bars("Final value of the counter", []string{"1", "2"}, []float64{37, 63}).Show()
package chart

import (
	"bytes"
	"fmt"
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/golab-notebooks/golab/runtime/display"
)

// Chart is a drawn chart, ready to show or save.
type Chart struct {
	plot          *plot.Plot
	width, height vg.Length
	summary       string // the text form, for front ends without SVG
}

// Palette is the colors of the charts' series, in order; lessons use the
// same colors in their text.
var Palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // red
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, // brown
}

// Color returns the i-th color of the Palette, cycling.
func Color(i int) color.Color { return Palette[i%len(Palette)] }

// FromPlot wraps a gonum plot the caller built, to show or save it at the
// given size in points; summary is its plain-text form.
func FromPlot(p *plot.Plot, width, height vg.Length, summary string) *Chart {
	return &Chart{plot: p, width: width, height: height, summary: summary}
}

// Plot returns the underlying gonum plot, to adjust it before showing.
func (c *Chart) Plot() *plot.Plot { return c.plot }

// Bars draws one bar per label, with the value above it.
func Bars(title string, labels []string, values []float64) *Chart {
	p := plot.New()
	p.Title.Text = title
	var summary bytes.Buffer
	fmt.Fprintln(&summary, title)
	if len(labels) != len(values) {
		p.Title.Text = fmt.Sprintf("%s (chart.Bars: %d labels for %d values)", title, len(labels), len(values))
		n := min(len(labels), len(values))
		labels, values = labels[:n], values[:n]
	}
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(28))
	if err == nil {
		bars.Color = Color(0)
		bars.LineStyle.Width = 0
		p.Add(bars)
		if labels, err := plotter.NewLabels(barLabels(values)); err == nil {
			p.Add(labels)
		}
	}
	p.NominalX(labels...)
	p.Y.Min = 0
	for i, l := range labels {
		fmt.Fprintf(&summary, "  %s: %g\n", l, values[i])
	}
	// Each bar gets room for its label (about 6 points a character at the
	// axis font), so that "6 goroutines" is neither cut nor overlapping.
	slot := 40.0
	for _, l := range labels {
		slot = max(slot, 6*float64(len([]rune(l)))+12)
	}
	return FromPlot(p, vg.Points(max(240, 60+slot*float64(len(labels)))), vg.Points(220), summary.String())
}

// barLabels places each value's text just above its bar.
func barLabels(values []float64) plotter.XYLabels {
	xy := make(plotter.XYs, len(values))
	text := make([]string, len(values))
	for i, v := range values {
		xy[i] = plotter.XY{X: float64(i), Y: v}
		text[i] = fmt.Sprintf("%g", v)
	}
	return plotter.XYLabels{XYs: xy, Labels: text}
}

// Series is one line of a line chart.
type Series struct {
	Name   string
	X, Y   []float64
	Points bool // mark the points
	Dashed bool
}

// Lines draws series as lines over a shared x axis.
func Lines(title, xLabel, yLabel string, series ...Series) *Chart {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.Top = true
	p.Legend.Left = true
	var summary bytes.Buffer
	fmt.Fprintln(&summary, title)
	for i, s := range series {
		xy := make(plotter.XYs, min(len(s.X), len(s.Y)))
		for j := range xy {
			xy[j] = plotter.XY{X: s.X[j], Y: s.Y[j]}
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			continue
		}
		line.Color = Color(i)
		line.Width = vg.Points(1.5)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(line)
		p.Legend.Add(s.Name, line)
		if s.Points {
			if pts, err := plotter.NewScatter(xy); err == nil {
				pts.Color = Color(i)
				p.Add(pts)
			}
		}
		fmt.Fprintf(&summary, "  %s: %v\n", s.Name, s.Y)
	}
	return FromPlot(p, vg.Points(400), vg.Points(260), summary.String())
}

// SVG returns the chart as an SVG document.
func (c *Chart) SVG() string {
	b, err := c.render("svg")
	if err != nil {
		return fmt.Sprintf("<svg xmlns=\"http://www.w3.org/2000/svg\"><text y=\"20\">chart: %v</text></svg>", err)
	}
	return string(b)
}

// PNG returns the chart as a PNG image.
func (c *Chart) PNG() ([]byte, error) { return c.render("png") }

func (c *Chart) render(format string) ([]byte, error) {
	var canvas vg.CanvasWriterTo
	switch format {
	case "svg":
		canvas = vgsvg.New(c.width, c.height)
	case "png":
		canvas = vgimg.PngCanvas{Canvas: vgimg.New(c.width, c.height)}
	default:
		return nil, fmt.Errorf("draw the chart: no format %q", format)
	}
	// A margin on the right, so that the last tick label of the x axis
	// ("4000" at the very end) is not cut in half.
	c.plot.Draw(draw.Crop(draw.New(canvas), 0, -rightMargin, 0, 0))
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("draw the chart as %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// rightMargin is the room right of the plot for the last tick label.
const rightMargin = vg.Length(16)

// String is the chart's plain-text form.
func (c *Chart) String() string { return c.summary }

// Show displays the chart in the notebook (as text outside one).
func (c *Chart) Show() {
	display.Show(display.Bundle{"image/svg+xml": c.SVG(), "text/plain": c.summary})
}

// Save writes the chart to a file; the format follows the extension
// (.svg or .png).
func (c *Chart) Save(path string) error {
	format := "svg"
	if len(path) > 4 && path[len(path)-4:] == ".png" {
		format = "png"
	}
	b, err := c.render(format)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("save the chart: %w", err)
	}
	return nil
}

package chart

import (
	"regexp"
	"strconv"
	"testing"
)

// TestLastTickLabelIsInside: the label of the last x tick, at the right
// end of the axis, lies wholly inside the picture (it was cut: "400" for
// "4000").
func TestLastTickLabelIsInside(t *testing.T) {
	c := Lines("", "ms", "", Series{Name: "run", X: []float64{0, 1000, 4000}, Y: []float64{1, 2, 3}})
	svg := c.SVG()
	width := float64(c.width) // points, as the SVG's coordinates
	re := regexp.MustCompile(`<text x="([0-9.]+)"[^>]*>4000</text>`)
	m := re.FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no 4000 tick label in the SVG:\n%s", svg)
	}
	x, _ := strconv.ParseFloat(m[1], 64)
	// Four digits of about 6 points each at the tick font, centred on x
	// or starting there: the text must end before the right edge.
	if x+4*6 > width {
		t.Errorf("the 4000 label starts at x=%.1f and is cut by the right edge at %.1f", x, width)
	}
}

// TestBarsMakeRoomForTheirLabels: each bar is as wide as its label needs,
// so "6 goroutines" under one bar neither overlaps the next nor is cut.
func TestBarsMakeRoomForTheirLabels(t *testing.T) {
	labels := []string{"1 goroutine", "2 goroutines", "4 goroutines", "6 goroutines", "8 goroutines"}
	c := Bars("speedup", labels, []float64{1, 1.9, 3.5, 4.1, 4.2})
	need := 0.0
	for _, l := range labels {
		need += 6 * float64(len(l)) // about 6 points a character
	}
	if got := float64(c.width); got < need {
		t.Errorf("the chart is %.0f points wide; its labels need at least %.0f", got, need)
	}
}

package noise

import (
	"strings"
	"testing"
)

// The same seed gives the same decisions; off makes none.
func TestSeedsAndRates(t *testing.T) {
	defer Set(1, DefaultRate)
	hits := func(seed uint64, rate float64) int64 {
		Set(seed, rate)
		before := Taken()
		for range 1000 {
			Switch()
		}
		return Taken() - before
	}
	a, b, c := hits(42, 0.5), hits(42, 0.5), hits(43, 0.5)
	if a != b {
		t.Errorf("seed 42 switched %d then %d times in 1000 points", a, b)
	}
	if a < 400 || a > 600 || c < 400 || c > 600 {
		t.Errorf("rate 0.5 switched %d and %d times in 1000 points", a, c)
	}
	if n := hits(7, 1); n != 1000 {
		t.Errorf("rate 1 switched %d times in 1000 points", n)
	}
	Set(7, 0.5)
	Off()
	before := Taken()
	for range 1000 {
		Switch()
	}
	if n := Taken() - before; n != 0 {
		t.Errorf("off, yet %d switches", n)
	}
	if d := Describe(); !strings.Contains(d, "off") {
		t.Errorf("Describe() = %q after Off", d)
	}
	Set(42, 0.25)
	if d := Describe(); !strings.Contains(d, "seed 42") || !strings.Contains(d, "25%") {
		t.Errorf("Describe() = %q", d)
	}
}

package worker

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/cell"
)

// integer is the loop variables' types the chunked loops are tried with.
type integer interface {
	~int | ~int64 | ~uint64 | ~int32 | ~uint32
}

// visits is what Go's own loop does: the values a counting loop visits,
// as a checksum, with a continue on multiples of five and a break after
// breakAt iterations (0: none). The interpreted loops must give the same.
func visits[T integer](start, bound, step T, up bool, op string, breakAt int) string {
	holds := func(i T) bool {
		switch op {
		case "<":
			return i < bound
		case "<=":
			return i <= bound
		case ">":
			return i > bound
		}
		return i >= bound
	}
	count, check := 0, int64(0)
	var last T
	for i := start; holds(i); {
		count++
		check = check*31 + int64(i)
		last = i
		if count == breakAt {
			break
		}
		if i%5 != 0 {
			check += 7
		}
		if up {
			i += step
		} else {
			i -= step
		}
	}
	return fmt.Sprint(count, " ", check, " ", last)
}

// TestChunkedLoopsVisitWhatGoVisits runs counting loops that the
// safe-points pass splits into chunks (see cell/safepoints.go) with starts
// and bounds around the chunks' ends, counting up and down, with steps of
// 1, 3 and 7, <, <=, >, >= and a bound written first, in each integer type
// the pass chunks, and compares what they visit with what Go's loop does.
func TestChunkedLoopsVisitWhatGoVisits(t *testing.T) {
	type form struct {
		header string // the loop's header, with START and BOUND
		step   int
		up     bool
		op     string // the condition as Go evaluates it, the variable on its left
	}
	forms := []form{
		{"i := START; i < BOUND; i++", 1, true, "<"},
		{"i := START; i <= BOUND; i++", 1, true, "<="},
		{"i := START; BOUND > i; i++", 1, true, "<"},
		{"i := START; i < BOUND; i += 3", 3, true, "<"},
		{"i := START; i <= BOUND; i += 7", 7, true, "<="},
		{"i := START; i > BOUND; i--", 1, false, ">"},
		{"i := START; i >= BOUND; i--", 1, false, ">="},
		{"i := START; BOUND <= i; i -= 3", 3, false, ">="},
	}
	lengths := []int{0, 1, 2, 1023, 1024, 1025, 2048, 3001, 7000}
	for _, typ := range []string{"int", "int64", "uint64", "int32", "uint32"} {
		for _, f := range forms {
			name := typ + " " + strings.NewReplacer("START", "s", "BOUND", "b").Replace(f.header)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				header := strings.NewReplacer("START", typ+"(start)", "BOUND", "bound").Replace(f.header)
				decl := fmt.Sprintf(`func visit(start, bound %s, breakAt int) string {
	count, check := 0, int64(0)
	var last %s
	for %s {
		count++
		check = check*31 + int64(i)
		last = i
		if count == breakAt {
			break
		}
		if i%%5 == 0 {
			continue
		}
		check += 7
	}
	return fmt.Sprint(count, " ", check, " ", last)
}`, typ, typ, header)
				// A 32-bit loop whose bound is a variable is chunked only
				// when it cannot wrap around (i < b; i++ and i > b; i--).
				wrapFree := f.step == 1 && len(f.op) == 1
				if chunked := strings.Contains(cell.RewriteDecls(decl, nil).Source, "__golab_e"); chunked != (wrapFree || !strings.HasSuffix(typ, "32")) {
					t.Fatalf("chunked: %v, want %v:\n%s", chunked, !chunked, cell.RewriteDecls(decl, nil).Source)
				}
				w := newWorker(t)
				if _, e := w.run("import \"fmt\"\n" + decl); e != nil {
					t.Fatalf("%s: %s", e.Name, e.Value)
				}
				var calls, want []string
				for _, n := range lengths {
					span := int64(n * f.step)
					starts := []int64{5, 1 << 31} // high for the 32-bit types' sake
					if typ == "int" || typ == "int64" || typ == "int32" {
						starts = append(starts, -1500)
					}
					for _, start := range starts {
						if typ == "int32" || typ == "uint32" {
							start = start % 1000
						}
						bound := start + span
						if !f.up {
							bound = start - span
							if bound < int64(f.step) && strings.HasPrefix(typ, "u") {
								continue // it would wrap below zero and run for good, in Go too
							}
						}
						for _, breakAt := range []int{0, 1030} {
							calls = append(calls, fmt.Sprintf("visit(%d, %d, %d)", start, bound, breakAt))
							want = append(want, oracle(typ, start, bound, int64(f.step), f.up, f.op, breakAt))
						}
					}
				}
				if typ == "int" || typ == "int64" {
					// Bounds more than the type's range apart: the
					// distance overflows, and the loop breaks.
					start, bound := int64(math.MinInt64+5), int64(math.MaxInt64-5)
					if !f.up {
						start, bound = bound, start
					}
					calls = append(calls, fmt.Sprintf("visit(%d, %d, %d)", start, bound, 1030))
					want = append(want, oracle(typ, start, bound, int64(f.step), f.up, f.op, 1030))
				}
				got, e := w.run(`import "strings"` + "\nstrings.Join([]string{" + strings.Join(calls, ", ") + "}, \"|\")")
				if e != nil {
					t.Fatalf("%s: %s", e.Name, e.Value)
				}
				unquoted, err := strconv.Unquote(got)
				if err != nil {
					t.Fatalf("the cell's value %s: %v", got, err)
				}
				for i, g := range strings.Split(unquoted, "|") {
					if g != want[i] {
						t.Errorf("%s gave %q, Go gives %q", calls[i], g, want[i])
					}
				}
			})
		}
	}
}

// oracle runs visits in the named type.
func oracle(typ string, start, bound, step int64, up bool, op string, breakAt int) string {
	switch typ {
	case "int":
		return visits(int(start), int(bound), int(step), up, op, breakAt)
	case "int64":
		return visits(start, bound, step, up, op, breakAt)
	case "uint64":
		return visits(uint64(start), uint64(bound), uint64(step), up, op, breakAt)
	case "int32":
		return visits(int32(start), int32(bound), int32(step), up, op, breakAt)
	}
	return visits(uint32(start), uint32(bound), uint32(step), up, op, breakAt)
}

// rangeSource is a range over a slice that the safe-points pass splits
// into chunks: it changes an element ahead (which the range sees), appends
// to the slice (which the range does not) and breaks; rangeVisits is the
// same function, compiled, which says what Go does.
const rangeSource = `func rangeVisits(xs []int, breakAt int) string {
	count, check := 0, 0
	for _, x := range xs {
		count++
		check = check*31 + x
		if count == 1000 && len(xs) > 1500 {
			xs[1500] = -7
		}
		if count == breakAt {
			break
		}
		if x%5 == 0 {
			continue
		}
		xs = append(xs, x)
	}
	return fmt.Sprint(count, " ", check, " ", len(xs))
}`

func rangeVisits(xs []int, breakAt int) string {
	count, check := 0, 0
	for _, x := range xs {
		count++
		check = check*31 + x
		if count == 1000 && len(xs) > 1500 {
			xs[1500] = -7
		}
		if count == breakAt {
			break
		}
		if x%5 == 0 {
			continue
		}
		xs = append(xs, x)
	}
	return fmt.Sprint(count, " ", check, " ", len(xs))
}

// TestChunkedRangesVisitWhatGoVisits runs a range over slices of lengths
// around the chunks' ends and compares with Go's.
func TestChunkedRangesVisitWhatGoVisits(t *testing.T) {
	if !strings.Contains(cell.RewriteDecls(rangeSource, nil).Source, "__golab_c") {
		t.Fatalf("the range was not split into chunks:\n%s", cell.RewriteDecls(rangeSource, nil).Source)
	}
	w := newWorker(t)
	if _, e := w.run("import \"fmt\"\n" + rangeSource); e != nil {
		t.Fatalf("%s: %s", e.Name, e.Value)
	}
	for _, n := range []int{0, 1, 1023, 1024, 1025, 2048, 2049, 5000} {
		for _, breakAt := range []int{0, 1024, 1500} {
			xs := make([]int, n)
			for i := range xs {
				xs[i] = i*7 - 300
			}
			got, e := w.run(fmt.Sprintf("xs := make([]int, %d)\nfor i := range xs {\n\txs[i] = i*7 - 300\n}\nrangeVisits(xs, %d)", n, breakAt))
			if e != nil {
				t.Fatalf("%s: %s", e.Name, e.Value)
			}
			if want := strconv.Quote(rangeVisits(xs, breakAt)); got != want {
				t.Errorf("%d elements, break at %d: got %s, Go gives %s", n, breakAt, got, want)
			}
		}
	}
}

// TestChunksKeepGoMeaning runs programs where splitting loops into chunks,
// or moving a var among the statements, could change what they do, from
// an adversarial review: each gives what go run gives.
func TestChunksKeepGoMeaning(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  string
	}{
		{"a bound of len(map), with deletes in the body", []string{`m := map[int]int{}
for i := 0; i < 10; i++ {
	m[i] = i
}
for i := 0; i < len(m); i++ {
	delete(m, i)
}`, `len(m)`}, "5"},
		{"a break in a loop directly in a switch case and a select case", []string{`func f(xs []int, k int, ch chan int) int {
	switch {
	case k >= 0:
		for i := 0; i < len(xs); i++ {
			if xs[i] == 2 {
				break
			}
			k += xs[i]
		}
	}
	select {
	case <-ch:
		for _, x := range xs {
			if x == 5 {
				break
			}
			k += x
		}
	}
	return k
}`, `ch := make(chan int, 1)
ch <- 1
f([]int{1, 1, 2, 5}, 0, ch)`}, "6"},
		{"a string that a statement made of a declared slice", []string{`var s []string`, `import "strings"
s := strings.Repeat("€", 1000)`, `n, bad := 0, 0
for _, r := range s {
	if r == '€' {
		n++
	} else {
		bad++
	}
}
n*10000 + bad`}, "10000000"},
		{"typed and blank vars of an earlier cell's variable", []string{`var g = 65`, `var f float64 = 2.5 * float64(g)
var _ = g
var h, _ int = g + 1, 0
f * float64(h)`}, "10725"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lastValue(t, tt.cells); got != tt.want {
				t.Errorf("got %s, go run gives %s", got, tt.want)
			}
		})
	}
}

package slices

import (
	"cmp"
	"math/rand"
	std "slices"
	"strings"
	"testing"
)

// The functions must agree with the standard library's on every input.
func TestAgreesWithStandardLibrary(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for size := 0; size < 70; size++ {
		for round := 0; round < 5; round++ {
			x := make([]int, size)
			for i := range x {
				x[i] = rng.Intn(size/2 + 1) // repeats, to test stability
			}
			want := std.Clone(x)
			std.Sort(want)
			got := std.Clone(x)
			Sort(got)
			if !std.Equal(got, want) {
				t.Fatalf("Sort(%v) = %v, want %v", x, got, want)
			}
			byFunc := std.Clone(x)
			SortFunc(byFunc, func(a, b int) int { return cmp.Compare(b, a) })
			std.Reverse(want)
			if !std.Equal(byFunc, want) {
				t.Fatalf("SortFunc descending (%v) = %v, want %v", x, byFunc, want)
			}
			type pair struct{ key, pos int }
			pairs := make([]pair, size)
			for i, v := range x {
				pairs[i] = pair{v, i}
			}
			wantPairs := std.Clone(pairs)
			std.SortStableFunc(wantPairs, func(a, b pair) int { return cmp.Compare(a.key, b.key) })
			SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(a.key, b.key) })
			if !std.Equal(pairs, wantPairs) {
				t.Fatalf("SortStableFunc = %v, want %v", pairs, wantPairs)
			}
			if size > 0 {
				if Min(x) != std.Min(x) || Max(x) != std.Max(x) {
					t.Fatalf("Min/Max(%v) = %d/%d", x, Min(x), Max(x))
				}
				if MinFunc(x, cmp.Compare[int]) != std.MinFunc(x, cmp.Compare[int]) || MaxFunc(x, cmp.Compare[int]) != std.MaxFunc(x, cmp.Compare[int]) {
					t.Fatalf("MinFunc/MaxFunc(%v) disagree", x)
				}
			}
			Sort(x)
			for target := -1; target <= size/2+1; target++ {
				i, found := BinarySearch(x, target)
				j, stdFound := std.BinarySearch(x, target)
				if i != j || found != stdFound {
					t.Fatalf("BinarySearch(%v, %d) = %d %v, want %d %v", x, target, i, found, j, stdFound)
				}
			}
			agree := func(name string, got, want []int) {
				t.Helper()
				if !std.Equal(got, want) || len(got) != len(want) {
					t.Fatalf("%s(%v) = %v, want %v", name, x, got, want)
				}
			}
			agree("Clone", Clone(x), std.Clone(x))
			agree("Compact", Compact(std.Clone(x)), std.Compact(std.Clone(x)))
			agree("Insert", Insert(std.Clone(x), size/2, 7, 8), std.Insert(std.Clone(x), size/2, 7, 8))
			agree("Delete", Delete(std.Clone(x), size/3, size/2), std.Delete(std.Clone(x), size/3, size/2))
			odd := func(v int) bool { return v%2 == 1 }
			agree("DeleteFunc", DeleteFunc(std.Clone(x), odd), std.DeleteFunc(std.Clone(x), odd))
			agree("Replace", Replace(std.Clone(x), size/3, size/2, 1, 2, 3), std.Replace(std.Clone(x), size/3, size/2, 1, 2, 3))
			agree("Clip", Clip(x[:size/2]), std.Clip(x[:size/2]))
			rev, stdRev := std.Clone(x), std.Clone(x)
			Reverse(rev)
			std.Reverse(stdRev)
			agree("Reverse", rev, stdRev)
			if Equal(x, rev) != std.Equal(x, rev) || !Equal(x, std.Clone(x)) {
				t.Fatalf("Equal(%v, %v) disagrees", x, rev)
			}
			if !IsSorted(x) || !IsSortedFunc(x, cmp.Compare[int]) {
				t.Fatalf("IsSorted(%v) = false", x)
			}
		}
	}
}

func TestSmallCases(t *testing.T) {
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"IsSorted unsorted", IsSorted([]string{"b", "a"}), false},
		{"IsSortedFunc unsorted", IsSortedFunc([]int{1, 3, 2}, cmp.Compare[int]), false},
		{"Repeat", strings.Join(Repeat([]string{"a", "b"}, 3), ""), "ababab"},
		{"Repeat zero", len(Repeat([]int{1}, 0)), 0},
		{"Min of strings", Min([]string{"pear", "apple", "fig"}), "apple"},
		{"Max of floats", Max([]float64{1.5, -2, 9.25}), 9.25},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestEmptyPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Min":     func() { Min([]int{}) },
		"Max":     func() { Max([]int{}) },
		"MinFunc": func() { MinFunc([]int{}, cmp.Compare[int]) },
		"MaxFunc": func() { MaxFunc([]int{}, cmp.Compare[int]) },
		"Repeat":  func() { Repeat([]int{1}, -1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

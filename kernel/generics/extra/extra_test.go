package extra

import (
	"maps"
	"slices"
	"testing"
)

func TestStandInsAgreeWithIteratorIdioms(t *testing.T) {
	tests := []map[string]int{
		{},
		{"a": 1},
		{"go": 3, "is": 2, "fun": 2, "fast": 1, "good": 1},
	}
	for _, m := range tests {
		if got, want := SortedKeys(m), slices.Sorted(maps.Keys(m)); !slices.Equal(got, want) {
			t.Errorf("SortedKeys(%v) = %v, want %v", m, got, want)
		}
		if got, want := SortedValues(m), slices.Sorted(maps.Values(m)); !slices.Equal(got, want) {
			t.Errorf("SortedValues(%v) = %v, want %v", m, got, want)
		}
		keys, values := Keys(m), Values(m)
		slices.Sort(keys)
		slices.Sort(values)
		if !slices.Equal(keys, slices.Sorted(maps.Keys(m))) || !slices.Equal(values, slices.Sorted(maps.Values(m))) {
			t.Errorf("Keys/Values(%v) = %v %v", m, keys, values)
		}
	}
}

package extra

import (
	"errors"
	"fmt"
	"io/fs"
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
		if got, want := Clone(m), maps.Collect(maps.All(m)); !maps.Equal(got, want) {
			t.Errorf("Clone(%v) = %v, want %v", m, got, want)
		}
		keys, values := Keys(m), Values(m)
		slices.Sort(keys)
		slices.Sort(values)
		if !slices.Equal(keys, slices.Sorted(maps.Keys(m))) || !slices.Equal(values, slices.Sorted(maps.Values(m))) {
			t.Errorf("Keys/Values(%v) = %v %v", m, keys, values)
		}
	}
}

func TestSliceStandInsAgreeWithIteratorIdioms(t *testing.T) {
	for _, s := range [][]string{nil, {}, {"b"}, {"go", "is", "fun", "and", "fast"}} {
		if got, want := CloneSlice(s), slices.Collect(slices.Values(s)); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("CloneSlice(%q) = %q, want %q", s, got, want)
		}
		if got, want := SortedSlice(s), slices.Sorted(slices.Values(s)); !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Errorf("SortedSlice(%q) = %q, want %q", s, got, want)
		}
	}
}

type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprint("code ", e.code) }

// AsType must agree with the standard library's.
func TestAsTypeAgreesWithStandardLibrary(t *testing.T) {
	errs := []error{
		nil,
		errors.New("plain"),
		&codeError{7},
		fmt.Errorf("wrapped: %w", &codeError{8}),
		errors.Join(errors.New("a"), fmt.Errorf("b: %w", &codeError{9})),
		&fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist},
	}
	for _, err := range errs {
		got, ok := AsType[*codeError](err)
		want, wantOK := errors.AsType[*codeError](err)
		if ok != wantOK || got != want {
			t.Errorf("AsType[*codeError](%v) = %v, %v; want %v, %v", err, got, ok, want, wantOK)
		}
		p, ok := AsType[*fs.PathError](err)
		q, wantOK := errors.AsType[*fs.PathError](err)
		if ok != wantOK || p != q {
			t.Errorf("AsType[*fs.PathError](%v) disagrees", err)
		}
	}
}

// Package extra holds slice-returning stand-ins for the common iterator
// idioms of Go 1.23, such as slices.Sorted(maps.Keys(m)): yaegi v0.16.1
// crashes on generic functions that return functions, so maps.Keys itself
// cannot be served. The worker compiles this file as package
// __golab_generics; kernel/interp/cell rewrites the idioms into calls of it.
// It also holds Go 1.26's errors.AsType, which yaegi lacks.
package extra

import "errors"

// AsType finds the first error in err's tree that has type E, as
// errors.As does with a target, and returns it; kernel/interp/cell rewrites
// errors.AsType[E](err) into a call of it.
func AsType[E error](err error) (E, bool) {
	var target E
	ok := errors.As(err, &target)
	return target, ok
}

// Keys returns the keys of m, in Go's unspecified map order: what
// slices.Collect(maps.Keys(m)) gives.
func Keys[K comparable, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// Values returns the values of m, in Go's unspecified map order: what
// slices.Collect(maps.Values(m)) gives.
func Values[K comparable, V any](m map[K]V) []V {
	values := make([]V, 0, len(m))
	for _, v := range m {
		values = append(values, v)
	}
	return values
}

// SortedKeys returns the keys of m in increasing order: what
// slices.Sorted(maps.Keys(m)) gives.
func SortedKeys[K ordered, V any](m map[K]V) []K {
	keys := Keys(m)
	sortOrdered(keys)
	return keys
}

// SortedValues returns the values of m in increasing order: what
// slices.Sorted(maps.Values(m)) gives.
func SortedValues[K comparable, V ordered](m map[K]V) []V {
	values := Values(m)
	sortOrdered(values)
	return values
}

// Clone returns a copy of m: what maps.Collect(maps.All(m)) gives.
func Clone[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CloneSlice returns a copy of s: what slices.Collect(slices.Values(s))
// gives (nil for an empty s, as Collect does).
func CloneSlice[E any](s []E) []E {
	return append([]E(nil), s...)
}

// SortedSlice returns a sorted copy of s: what
// slices.Sorted(slices.Values(s)) gives.
func SortedSlice[E ordered](s []E) []E {
	out := CloneSlice(s)
	sortOrdered(out)
	return out
}

// ordered is cmp.Ordered, spelled out: this file is compiled on its own.
type ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

// sortOrdered sorts x in increasing order (insertion sort into place from
// the left, keeping it simple for the interpreter; keys are few).
func sortOrdered[E ordered](x []E) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// Package slices is the part of the standard library's slices package that
// yaegi v0.16.1 does not provide: sorting, searching, minimum and maximum,
// and Repeat. The worker compiles this file into the interpreter's "slices"
// package, next to yaegi's own generic source.
//
// It is written in the subset of generics that yaegi interprets: no generic
// function returns a function or passes another a closure over its type
// parameters (both crash yaegi v0.16.1), no min or max builtins, and a
// type parameter with a union constraint is inferred only from a []E
// parameter, not through S ~[]E (so Sort takes []E). So
// Sort and SortFunc each hold their own heapsort. The iterator functions of
// Go 1.23 (All, Values, Sorted, Collect, ...) return functions, so they are
// not here: kernel/interp/cell rewrites their common uses instead.
package slices

// ordered is cmp.Ordered, spelled out: yaegi's own slices source already
// imports "cmp" into the package, and a second import of it is refused.
type ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

// Sort sorts x in increasing order (heapsort: in place, not stable).
func Sort[E ordered](x []E) {
	n := len(x)
	for start := n/2 - 1; start >= -(n - 1); start-- {
		// Two phases in one loop: build the heap (start >= 0), then
		// move its top behind the heap and shrink it (start < 0).
		root, size := start, n
		if start < 0 {
			size = n + start
			x[0], x[size] = x[size], x[0]
			root = 0
		}
		for {
			child := 2*root + 1
			if child >= size {
				break
			}
			if child+1 < size && x[child] < x[child+1] {
				child++
			}
			if !(x[root] < x[child]) {
				break
			}
			x[root], x[child] = x[child], x[root]
			root = child
		}
	}
}

// SortFunc sorts x in the order given by compare (heapsort: not stable).
func SortFunc[S ~[]E, E any](x S, compare func(a, b E) int) {
	n := len(x)
	for start := n/2 - 1; start >= -(n - 1); start-- {
		root, size := start, n
		if start < 0 {
			size = n + start
			x[0], x[size] = x[size], x[0]
			root = 0
		}
		for {
			child := 2*root + 1
			if child >= size {
				break
			}
			if child+1 < size && compare(x[child], x[child+1]) < 0 {
				child++
			}
			if compare(x[root], x[child]) >= 0 {
				break
			}
			x[root], x[child] = x[child], x[root]
			root = child
		}
	}
}

// SortStableFunc sorts x in the order given by compare, keeping equal
// elements in their original order (merge sort).
func SortStableFunc[S ~[]E, E any](x S, compare func(a, b E) int) {
	tmp := make([]E, len(x))
	for width := 1; width < len(x); width *= 2 {
		for lo := 0; lo < len(x); lo += 2 * width {
			mid, hi := lo+width, lo+2*width // yaegi has no min builtin
			if mid > len(x) {
				mid = len(x)
			}
			if hi > len(x) {
				hi = len(x)
			}
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if compare(x[j], x[i]) < 0 {
					tmp[k] = x[j]
					j++
				} else {
					tmp[k] = x[i]
					i++
				}
				k++
			}
			k += copy(tmp[k:], x[i:mid])
			copy(tmp[k:], x[j:hi])
		}
		copy(x, tmp)
	}
}

// IsSorted reports whether x is sorted in increasing order.
func IsSorted[E ordered](x []E) bool {
	for i := 1; i < len(x); i++ {
		if x[i] < x[i-1] {
			return false
		}
	}
	return true
}

// IsSortedFunc reports whether x is sorted in the order given by compare.
func IsSortedFunc[S ~[]E, E any](x S, compare func(a, b E) int) bool {
	for i := 1; i < len(x); i++ {
		if compare(x[i], x[i-1]) < 0 {
			return false
		}
	}
	return true
}

// BinarySearch finds target in the sorted slice x and returns its position
// and whether it is there; if not, the position is where it would go.
func BinarySearch[E ordered](x []E, target E) (int, bool) {
	lo, hi := 0, len(x)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if x[mid] < target {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(x) && x[lo] == target
}

// Min returns the smallest element of x; it panics if x is empty.
func Min[E ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Min: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if v < m {
			m = v
		}
	}
	return m
}

// MinFunc returns the first smallest element of x by compare; it panics if x is empty.
func MinFunc[S ~[]E, E any](x S, compare func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MinFunc: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if compare(v, m) < 0 {
			m = v
		}
	}
	return m
}

// Max returns the largest element of x; it panics if x is empty.
func Max[E ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Max: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if v > m {
			m = v
		}
	}
	return m
}

// MaxFunc returns the first largest element of x by compare; it panics if x is empty.
func MaxFunc[S ~[]E, E any](x S, compare func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MaxFunc: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if compare(v, m) > 0 {
			m = v
		}
	}
	return m
}

// Repeat returns a new slice holding count copies of x.
func Repeat[S ~[]E, E any](x S, count int) S {
	if count < 0 {
		panic("cannot be negative")
	}
	out := make(S, 0, len(x)*count)
	for i := 0; i < count; i++ { // yaegi v0.16.1 has no range over int
		out = append(out, x...)
	}
	return out
}

// The functions below replace yaegi's own source for them, whose S ~[]E
// type parameters it cannot infer ("undefined type for E"). They take
// and return []E, which a named slice type converts to and from.

// Clone returns a copy of s (nil for nil).
func Clone[E any](s []E) []E {
	if s == nil {
		return nil
	}
	return append([]E{}, s...)
}

// Equal reports whether two slices have the same length and elements.
func Equal[E comparable](s1, s2 []E) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}

// Reverse reverses the elements of s in place.
func Reverse[E any](s []E) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// Compact replaces runs of equal elements with one copy.
func Compact[E comparable](s []E) []E {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	clearTail(s, len(out))
	return out
}

// clearTail zeroes s[from:], as the standard library does with removed
// elements.
func clearTail[E any](s []E, from int) {
	var zero E
	for i := from; i < len(s); i++ {
		s[i] = zero
	}
}

// Insert inserts vs at index i.
func Insert[E any](s []E, i int, vs ...E) []E {
	if i < 0 || i > len(s) {
		panic("runtime error: slice bounds out of range")
	}
	out := make([]E, 0, len(s)+len(vs))
	out = append(out, s[:i]...)
	out = append(out, vs...)
	return append(out, s[i:]...)
}

// Delete removes s[i:j].
func Delete[E any](s []E, i, j int) []E {
	if i < 0 || j > len(s) || i > j {
		panic("runtime error: slice bounds out of range")
	}
	n := len(s)
	s = append(s[:i], s[j:]...)
	clearTail(s[:n], len(s))
	return s
}

// DeleteFunc removes the elements for which del returns true.
func DeleteFunc[E any](s []E, del func(E) bool) []E {
	n := len(s)
	out := s[:0]
	for _, v := range s {
		if !del(v) {
			out = append(out, v)
		}
	}
	clearTail(s[:n], len(out))
	return out
}

// Replace replaces s[i:j] with vs.
func Replace[E any](s []E, i, j int, vs ...E) []E {
	if i < 0 || j > len(s) || i > j {
		panic("runtime error: slice bounds out of range")
	}
	out := make([]E, 0, len(s)-(j-i)+len(vs))
	out = append(out, s[:i]...)
	out = append(out, vs...)
	return append(out, s[j:]...)
}

// Clip removes unused capacity from s.
func Clip[E any](s []E) []E { return s[:len(s):len(s)] }

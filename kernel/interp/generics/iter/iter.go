// Package iter is the standard library's package iter (Go 1.23) as source
// for the interpreter: yaegi v0.16.1 has no package iter, and a compiled
// package cannot hand it generic types. It declares the two iterator types
// cells use in signatures (func (l *List) All() iter.Seq[int]); kernel/interp/cell
// rewrites a range over one into a call with the loop body as yield.
//
// iter.Pull is not here: yaegi v0.16.1 fails on a generic function that
// takes a Seq[V] (it takes the argument for a Seq of Seq).
package iter

// Seq is an iterator over sequences of individual values: it calls yield
// with each value until the sequence ends or yield returns false.
type Seq[V any] func(yield func(V) bool)

// Seq2 is an iterator over sequences of pairs of values.
type Seq2[K, V any] func(yield func(K, V) bool)

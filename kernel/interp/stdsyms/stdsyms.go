// Package stdsyms holds interpreter symbols of the standard library that
// are newer than yaegi v0.16.1's tables (Go 1.22): the iterator functions
// of strings and bytes (Go 1.24), which Go by Example's "Range over
// Iterators" uses. They are the compiled functions; a range over what they
// return is rewritten into a call by kernel/interp/cell, which knows their types
// from Signatures.
package stdsyms

import (
	"bytes"
	"reflect"
	"strings"
)

// Symbols are the symbols, keyed as yaegi's interp.Use expects. Load them
// after yaegi's standard library.
func Symbols() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		"strings/strings": {
			"Lines":         reflect.ValueOf(strings.Lines),
			"SplitSeq":      reflect.ValueOf(strings.SplitSeq),
			"SplitAfterSeq": reflect.ValueOf(strings.SplitAfterSeq),
			"FieldsSeq":     reflect.ValueOf(strings.FieldsSeq),
			"FieldsFuncSeq": reflect.ValueOf(strings.FieldsFuncSeq),
		},
		"bytes/bytes": {
			"Lines":         reflect.ValueOf(bytes.Lines),
			"SplitSeq":      reflect.ValueOf(bytes.SplitSeq),
			"SplitAfterSeq": reflect.ValueOf(bytes.SplitAfterSeq),
			"FieldsSeq":     reflect.ValueOf(bytes.FieldsSeq),
			"FieldsFuncSeq": reflect.ValueOf(bytes.FieldsFuncSeq),
		},
	}
}

// Signatures are the functions of Symbols as Go source, by import path,
// for go/types: the rewriter asks it what a call returns (kernel/interp/cell).
var Signatures = map[string]string{
	"strings": `package strings
import "iter"
func Lines(s string) iter.Seq[string] { return nil }
func SplitSeq(s, sep string) iter.Seq[string] { return nil }
func SplitAfterSeq(s, sep string) iter.Seq[string] { return nil }
func FieldsSeq(s string) iter.Seq[string] { return nil }
func FieldsFuncSeq(s string, f func(rune) bool) iter.Seq[string] { return nil }
`,
	"bytes": `package bytes
import "iter"
func Lines(s []byte) iter.Seq[[]byte] { return nil }
func SplitSeq(s, sep []byte) iter.Seq[[]byte] { return nil }
func SplitAfterSeq(s, sep []byte) iter.Seq[[]byte] { return nil }
func FieldsSeq(s []byte) iter.Seq[[]byte] { return nil }
func FieldsFuncSeq(s []byte, f func(rune) bool) iter.Seq[[]byte] { return nil }
`,
}

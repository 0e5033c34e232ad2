// Package fidelity holds the test that runs a corpus of Go concurrency
// programs both compiled and through the kernel, and compares what they
// print: the measure of how far a learner can trust golab to behave as Go.
//
// The programs are in testdata/corpus, one directory each; the first line
// of each main.go says how to compare ("// golab:expect exact" or
// "// golab:expect sorted"). Programs golab is known to run differently
// are listed, with the reason, in testdata/known-differences.txt.
package fidelity

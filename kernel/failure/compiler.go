package failure

import (
	"fmt"
	"regexp"
	"strings"
)

// missingImport matches yaegi's message for an import it cannot find.
var missingImport = regexp.MustCompile(`^import "([^"]+)" error: unable to find source`)

var (
	cannotConvert = regexp.MustCompile(`^cannot convert (.+) to (\S+)$`)
	noSelector    = regexp.MustCompile(`^undefined selector: (\w+)$`)
	noSymbol      = regexp.MustCompile(`^package (\w+) "[^"]*" has no symbol (\w+)$`)
)

// CompilerWords rewrites the interpreter's compile messages that differ
// from the Go compiler's into the compiler's words, which books and search
// engines use. line and col are where the message points in the cell src.
func CompilerWords(msg, src string, line, col int) string {
	if m := missingImport.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("package %q is not available: cells can import the Go standard library and golab's helpers (such as \"golab/display\")", m[1])
	}
	if m := cannotConvert.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("cannot use %s as %s value", m[1], m[2])
	}
	if m := noSymbol.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("undefined: %s.%s", m[1], m[2])
	}
	if m := noSelector.FindStringSubmatch(msg); m != nil {
		if x := operandAt(src, line, col); x != "" {
			return fmt.Sprintf("%s.%s undefined (no field or method %s)", x, m[1], m[1])
		}
		return fmt.Sprintf("undefined field or method %s", m[1])
	}
	if msg == "unsupported assign expression" {
		return "assignment mismatch: the number of variables and values differ"
	}
	if strings.HasPrefix(msg, "undefined type for ") {
		// A generic function over channels or a variadic of a type
		// parameter (func merge[T any](cs ...<-chan T)): yaegi's limit, not the learner's mistake.
		return msg + ": the interpreter cannot declare this generic function (a type parameter used in a variadic, " +
			"or in a slice of channels, is beyond it). The code may well be right: run it as a whole program " +
			"(package main with func main), which golab compiles with go build, or write the function for one type"
	}
	return msg
}

// operandAt returns the identifier or selector chain that starts at a cell
// position ("s" of "s.B"), or "".
func operandAt(src string, line, col int) string {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1]) {
		return ""
	}
	rest := lines[line-1][col-1:]
	end := 0
	for end < len(rest) {
		c := rest[end]
		if c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			end++
			continue
		}
		break
	}
	chain := rest[:end]
	if i := strings.LastIndexByte(chain, '.'); i > 0 {
		return chain[:i]
	}
	return ""
}

package cell

import (
	"go/scanner"
	"go/token"
	"strings"
)

// Completeness tells a console whether code is a finished cell: "complete",
// "incomplete" (the learner is still typing: an open brace, paren or raw
// string, or a trailing operator) with the indent for the next line, or
// "invalid" (no amount of typing makes it valid: an unmatched closing
// brace, or a syntax error).
func Completeness(code string) (status, indent string) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(code))
	var errs []string
	var sc scanner.Scanner
	sc.Init(file, []byte(code), func(_ token.Position, msg string) { errs = append(errs, msg) }, 0)
	depth := 0
	last := token.ILLEGAL
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
			if depth < 0 {
				return "invalid", ""
			}
		}
		if !(tok == token.SEMICOLON && lit == "\n") {
			last = tok
		}
	}
	for _, e := range errs {
		if strings.Contains(e, "raw string literal not terminated") || strings.Contains(e, "comment not terminated") {
			return "incomplete", ""
		}
	}
	if len(errs) > 0 {
		return "invalid", ""
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("\t", depth)
	}
	if last.IsOperator() && last != token.RPAREN && last != token.RBRACE && last != token.RBRACK &&
		last != token.INC && last != token.DEC && last != token.SEMICOLON {
		return "incomplete", ""
	}
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	if _, err := Split(code); err != nil {
		return "invalid", ""
	}
	return "complete", ""
}

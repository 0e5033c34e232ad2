package cell

import (
	"fmt"
	"go/ast"
	"go/token"
)

// Hint is a likely cause of a failing test, read in the source of a
// function the test calls: the mistakes concurrency courses see most,
// which a failure alone ("= 0, want 500", a deadlock) does not name.
type Hint struct {
	Line int    // the line of the function's source it points at, from 1
	Text string // what is wrong and what to do, without the line
}

// Hints reads a function or method declaration (its source, as a cell
// declared it) for these mistakes:
//   - a sync.WaitGroup parameter taken by value: Done marks a copy;
//   - wg.Add inside the goroutine it counts: Wait may come first;
//   - goroutines started and never waited for (no Wait, no receive);
//   - a semaphore acquired and never released.
func Hints(decl string) []Hint {
	var out []Hint
	for _, p := range parsePieces(decl) {
		for _, d := range p.file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || p.stmts {
				continue
			}
			out = append(out, hintsIn(p, fn)...)
		}
	}
	return out
}

func hintsIn(p piece, fn *ast.FuncDecl) []Hint {
	var out []Hint
	line := func(pos token.Pos) int { l, _ := p.at(pos); return l }
	for _, field := range fn.Type.Params.List {
		if isSelector(field.Type, "sync", "WaitGroup") {
			out = append(out, Hint{Line: line(field.Pos()),
				Text: "takes its sync.WaitGroup by value: the Done calls mark a copy, and the caller's Wait never sees them; take a *sync.WaitGroup and pass &wg"})
		}
	}
	var firstGo token.Pos
	// A function that hands back a channel, or whose goroutines send on
	// one, leaves the waiting to whoever receives: no hint about waiting.
	waits, acquires, releases := returnsChannel(fn), token.NoPos, false
	channels := channelNames(fn)
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			if !firstGo.IsValid() {
				firstGo = n.Pos()
			}
			if lit, ok := n.Call.Fun.(*ast.FuncLit); ok {
				if add := findMethodCall(lit.Body, "Add"); add != nil && isWaitGroupName(add) {
					out = append(out, Hint{Line: line(add.Pos()),
						Text: "calls wg.Add inside the goroutine it counts: Wait can run before that Add and return at once; call wg.Add(1) before the go statement"})
				}
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				switch sel.Sel.Name {
				case "Wait":
					waits = true
				case "Acquire", "AcquireTimeout":
					if !acquires.IsValid() {
						acquires = n.Pos()
					}
				case "Release":
					releases = true
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				waits = true // a receive can wait for the goroutines
			}
		case *ast.RangeStmt:
			if id, ok := n.X.(*ast.Ident); ok && channels[id.Name] {
				waits = true // a range over a channel receives
			}
		case *ast.SelectStmt, *ast.SendStmt:
			waits = true
		}
		return true
	})
	if firstGo.IsValid() && !waits {
		out = append(out, Hint{Line: line(firstGo),
			Text: "starts goroutines and returns without waiting for them: count them with a sync.WaitGroup (wg.Add(1) before each go, defer wg.Done() in it) and call wg.Wait() before returning"})
	}
	if acquires.IsValid() && !releases {
		out = append(out, Hint{Line: line(acquires),
			Text: "acquires the semaphore and never releases it: after n Acquires every other one waits for good; release it when the work is done (defer sem.Release())"})
	}
	return out
}

// channelNames returns the names in a function that hold channels: its
// parameters of channel type and the variables it makes with make(chan …).
func channelNames(fn *ast.FuncDecl) map[string]bool {
	names := map[string]bool{}
	for _, f := range fn.Type.Params.List {
		if _, ok := f.Type.(*ast.ChanType); ok {
			for _, n := range f.Names {
				names[n.Name] = true
			}
		}
	}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, rhs := range as.Rhs {
			call, ok := rhs.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				continue
			}
			if fun, ok := call.Fun.(*ast.Ident); !ok || fun.Name != "make" {
				continue
			}
			if _, ok := call.Args[0].(*ast.ChanType); !ok {
				continue
			}
			if id, ok := as.Lhs[i].(*ast.Ident); ok {
				names[id.Name] = true
			}
		}
		return true
	})
	return names
}

// returnsChannel reports whether a function has a result of channel type.
func returnsChannel(fn *ast.FuncDecl) bool {
	if fn.Type.Results == nil {
		return false
	}
	for _, r := range fn.Type.Results.List {
		if _, ok := r.Type.(*ast.ChanType); ok {
			return true
		}
	}
	return false
}

// isSelector reports whether e is pkg.name.
func isSelector(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}

// findMethodCall returns the first call of a method of that name in n.
func findMethodCall(n ast.Node, method string) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(n, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == method {
				found = call
				return false
			}
		}
		return true
	})
	return found
}

// isWaitGroupName reports whether a method call's receiver is named like a
// WaitGroup (wg, wait, group…): Add is a common method name, and the
// syntax alone does not give the receiver's type.
func isWaitGroupName(call *ast.CallExpr) bool {
	sel := call.Fun.(*ast.SelectorExpr)
	var name string
	switch x := sel.X.(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.SelectorExpr:
		name = x.Sel.Name
	default:
		return false
	}
	for _, w := range []string{"wg", "WaitGroup", "waitGroup", "waitgroup", "group", "Group", "wait", "Wait"} {
		if len(name) >= len(w) && (name[:len(w)] == w || name[len(name)-len(w):] == w) {
			return true
		}
	}
	return false
}

// String words a hint for a function declared at line declLine of its
// cell.
func (h Hint) String(fn string, declLine int) string {
	return fmt.Sprintf("%s %s (line %d of the cell that defines it)", fn, h.Text, declLine+h.Line-1)
}

package worker

import (
	"sort"
	"strings"

	"github.com/golab-notebooks/golab/kernel/interp/cell"
)

// Restoring the notebook's declarations into a new worker.

// withLatestDefinitions returns the cells with each type and method
// definition replaced by the last one the cells make of it, in the place
// of the first: a cell that changed Account.Withdraw restores as if the
// earlier cells had always had the new Withdraw.
func withLatestDefinitions(cells []string) []string {
	latest := map[definitionKey]string{}
	plans := make([]*cell.Plan, len(cells))
	for i, src := range cells {
		plan, err := cell.Split(src)
		if err != nil {
			continue
		}
		plans[i] = plan
		for _, d := range plan.Defined {
			if d.Kind == cell.Type || d.Kind == cell.Method {
				latest[key(d)] = d.Source
			}
		}
	}
	out := make([]string, len(cells))
	for i, src := range cells {
		out[i] = src
		if plans[i] == nil {
			continue
		}
		defs := append([]cell.Definition(nil), plans[i].Defined...)
		sort.Slice(defs, func(a, b int) bool { return defs[a].Start > defs[b].Start })
		for _, d := range defs {
			next, ok := latest[key(d)]
			if !ok || next == d.Source || d.Start < 0 || d.End > len(src) || src[d.Start:d.End] != d.Source {
				continue
			}
			// Keep the line count, so that later positions in the cell stay.
			if pad := strings.Count(d.Source, "\n") - strings.Count(next, "\n"); pad > 0 {
				next += strings.Repeat("\n", pad)
			}
			src = src[:d.Start] + next + src[d.End:]
		}
		out[i] = src
	}
	return out
}

// restored is what a restore brought back.
type restored struct {
	restored, zeroed, skipped, lost []string
}

// restore evaluates the imports and declarations of earlier cells in a
// fresh interpreter, and says which names came back. It runs none of the
// learner's code: variables whose initializers would are declared with
// zero values or left out (see cell.ReplayDecls), and func init is not run
// again. Cells that failed contribute what compiles, without complaint
// about the rest.
func (w *Worker) restore(cells []string, failed []int) (r restored) {
	isFailed := map[int]bool{}
	for _, i := range failed {
		isFailed[i] = true
	}
	known := w.context()
	cells = withLatestDefinitions(cells)
	for i, src := range cells {
		if isCompileCell(src) {
			r.restored = append(r.restored, w.restoreCompiled(src)...)
			continue
		}
		plan, err := cell.SplitIn(src, known.IsVariable)
		if err != nil {
			continue
		}
		if w.checkUndefined(plan, src) != nil && isFailed[i] {
			continue
		}
		if e := w.importAll(plan, src); e != nil && !isFailed[i] {
			r.lost = append(r.lost, "imports of "+strings.Join(plan.ImportPaths, ", "))
		}
		if strings.TrimSpace(plan.Decls) == "" {
			w.restoreVars(plan.Stmts, isFailed[i], &r)
			continue
		}
		skip, refusal := w.checkRedefinitions(plan, src)
		if refusal != nil {
			continue // the cell was refused when it ran, too
		}
		replay := cell.ReplayDecls(plan.DeclsWithout(skip), known)
		if _, err := w.try(w.rewriteDecls(replay.Source)); err != nil {
			if !isFailed[i] {
				for _, d := range plan.Defined {
					r.lost = append(r.lost, string(d.Kind)+" "+d.Name)
				}
			}
			w.restoreVars(plan.Stmts, isFailed[i], &r)
			continue
		}
		w.record(plan)
		w.updateTypes(plan)
		w.children.record(replayCell(cell.ReplaySource(plan)))
		left := map[string]bool{}
		for _, n := range replay.Zeroed {
			left["var "+n] = true
		}
		for _, sk := range replay.Skipped {
			name, _, _ := strings.Cut(sk, " (")
			left[name] = true
		}
		for _, d := range plan.Defined {
			if name := string(d.Kind) + " " + d.Name; !left[name] {
				r.restored = append(r.restored, name)
			}
		}
		r.zeroed = append(r.zeroed, replay.Zeroed...)
		r.skipped = append(r.skipped, replay.Skipped...)
		w.restoreVars(plan.Stmts, isFailed[i], &r)
	}
	return r
}

// restoreVars runs the top-level variables of a journal entry that
// SplitIn put among the statements (`var b = g + 1`, g an earlier cell's
// variable; the journal keeps only those whose values call nothing, see
// cell.ReplaySource), and says which came back and which did not.
func (w *Worker) restoreVars(stmts string, failed bool, r *restored) {
	if strings.TrimSpace(stmts) == "" {
		return
	}
	names := cell.TopLevelVarNames(stmts)
	if _, err := w.try(w.rewriteStmts(stmts)); err != nil {
		if !failed {
			for _, n := range names {
				r.lost = append(r.lost, "var "+n)
			}
		}
		return
	}
	for _, n := range names {
		r.restored = append(r.restored, "var "+n)
	}
}

// replayCell joins a cell's two parts of the journal into one source
// (Go allows declarations in any order after the imports).
func replayCell(decls, vars string) string {
	if vars == "" {
		return decls
	}
	return decls + "\n" + vars
}

// resultType returns the result type of a function an earlier cell
// declared, as source text, or "".
func (w *Worker) resultType(fn string) string {
	d, ok := w.defs.value(fn)
	if !ok || d.Kind != cell.Func {
		return ""
	}
	return cell.FuncResultType(d.Source)
}

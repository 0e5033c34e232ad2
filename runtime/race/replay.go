package race

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/golab-notebooks/golab/runtime/display"
	"github.com/golab-notebooks/golab/runtime/timeline"
)

// TraceStep is one step of a replayed schedule.
type TraceStep struct {
	Number    int    // 1-based
	Goroutine string // who took the step
	Partner   string // the receiver of an unbuffered send, or ""
	Step      Step
	Value     int    // the value read, written, sent or received
	After     string // the shared variables after the step
}

// Trace is a schedule played step by step.
type Trace struct {
	Model    *Model
	Schedule string
	Steps    []TraceStep
	Final    string // as in Outcome.State
	Deadlock bool
	Complete bool // no goroutine can go on: the schedule is a whole run
}

// Replay plays a schedule — goroutine names separated by spaces, one per
// step, "sender>receiver" for an unbuffered hand-off — as Explore writes
// them in witnesses and races. It returns an error naming the first step
// that cannot happen. A schedule may stop early (a race's schedule stops
// at the racing step); then Complete is false.
func (m *Model) Replay(schedule string) (*Trace, error) {
	if len(m.errs) > 0 {
		return nil, fmt.Errorf("the model has mistakes: %s", strings.Join(m.errs, "; "))
	}
	byName := map[string]int{}
	for i, g := range m.gs {
		byName[g.name] = i
	}
	t := &Trace{Model: m, Schedule: schedule}
	s := m.start()
	for n, tok := range strings.Fields(schedule) {
		name, partner, unbuffered := strings.Cut(tok, ">")
		i, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("step %d: no goroutine %q (the model has %s)", n+1, name, strings.Join(m.Goroutines(), ", "))
		}
		want := move{i, -1}
		if unbuffered {
			j, ok := byName[partner]
			if !ok {
				return nil, fmt.Errorf("step %d: no goroutine %q", n+1, partner)
			}
			want.partner = j
		}
		allowed := false
		for _, mv := range m.moves(s) {
			allowed = allowed || mv == want
		}
		if !allowed {
			what := "has finished"
			if s.pc[i] < len(m.gs[i].steps) {
				what = "cannot take its step " + m.gs[i].steps[s.pc[i]].String() + " now"
			}
			return nil, fmt.Errorf("step %d: %s %s", n+1, name, what)
		}
		st := m.gs[i].steps[s.pc[i]]
		if _, err := m.apply(s, want); err != "" {
			return nil, fmt.Errorf("step %d: %s", n+1, err)
		}
		ts := TraceStep{Number: n + 1, Goroutine: name, Step: st, After: sharedString(m, s), Value: s.locals[i][st.Local]}
		switch {
		case st.Op == Write:
			ts.Value = s.shared[st.Target]
		case st.Op == Send && unbuffered:
			ts.Value = s.locals[want.partner][m.gs[want.partner].steps[s.pc[want.partner]-1].Local]
		case st.Op == Send:
			q := s.buffer[st.Target]
			ts.Value = q[len(q)-1].value
		}
		if unbuffered {
			ts.Partner = partner
		}
		t.Steps = append(t.Steps, ts)
	}
	if len(m.moves(s)) > 0 {
		t.Final = fmt.Sprintf("%s (%d steps; goroutines can go on)", sharedString(m, s), len(t.Steps))
		return t, nil
	}
	t.Complete = true
	t.Final, t.Deadlock = m.describe(s)
	return t, nil
}

func sharedString(m *Model, s *state) string {
	parts := make([]string, len(m.vars))
	for i, v := range m.vars {
		parts[i] = fmt.Sprintf("%s=%d", v, s.shared[v])
	}
	return strings.Join(parts, " ")
}

// Label is the step with the value it moved: "tmp := counter (0)".
func (s TraceStep) Label() string {
	switch s.Step.Op {
	case Read, Write, Send, Recv:
		return fmt.Sprintf("%s (%d)", s.Step, s.Value)
	}
	return s.Step.String()
}

// String lists the steps, one per line.
func (t *Trace) String() string {
	var b strings.Builder
	width := 4
	for _, name := range t.Model.Goroutines() {
		width = max(width, len(name))
	}
	for _, s := range t.Steps {
		fmt.Fprintf(&b, "%2d  %-*s %-26s %s\n", s.Number, width, s.Goroutine, s.Label(), s.After)
	}
	fmt.Fprintf(&b, "end: %s\n", t.Final)
	return b.String()
}

// Timeline draws the trace: one row per goroutine, one box per step, in
// the order the schedule takes them.
func (t *Trace) Timeline() *timeline.Recorder {
	unit := time.Millisecond
	rec := timeline.NewWithClock(func() time.Time { return time.Unix(0, 0) })
	rec.Rows(t.Model.Goroutines()...)
	rec.Axis("step", unit)
	sends := map[string][]int{} // channel -> step numbers of buffered sends in flight
	for _, s := range t.Steps {
		start := time.Duration(s.Number-1) * unit
		rec.Add(timeline.Span{Goroutine: s.Goroutine, Kind: timeline.Work, Label: s.Label(), Start: start, End: start + unit})
		switch {
		case s.Partner != "":
			rec.AddArrow(timeline.Arrow{From: s.Goroutine, To: s.Partner, Sent: start + unit/2, Received: start + unit/2})
		case s.Step.Op == Send:
			sends[s.Step.Target] = append(sends[s.Step.Target], s.Number)
		case s.Step.Op == Recv && len(sends[s.Step.Target]) > 0:
			from := sends[s.Step.Target][0]
			sends[s.Step.Target] = sends[s.Step.Target][1:]
			rec.AddArrow(timeline.Arrow{From: t.Steps[from-1].Goroutine, To: s.Goroutine,
				Sent: time.Duration(from)*unit - unit/2, Received: start + unit/2})
		}
	}
	return rec
}

// Show displays the trace's timeline in the notebook.
func (t *Trace) Show() {
	c := t.Timeline().Chart(fmt.Sprintf("%s  →  %s", t.Schedule, t.Final))
	display.Show(display.Bundle{"image/svg+xml": c.SVG(), "text/plain": t.String()})
}

// String summarizes the report as text.
func (r *Report) String() string {
	var b strings.Builder
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "model error: %s\n", e)
	}
	fmt.Fprintf(&b, "%d schedules, %d outcomes", r.Schedules, len(r.Outcomes))
	if r.Truncated {
		b.WriteString(" (stopped early: set Options.MaxPreemptions or MaxSchedules)")
	}
	b.WriteString("\n")
	for _, o := range r.Outcomes {
		fmt.Fprintf(&b, "  %s  (%d schedules)  e.g. %s\n", o.State, o.Schedules, o.Witness)
	}
	for _, race := range r.Races {
		fmt.Fprintf(&b, "data race: %s, in schedule %s\n", race.Message, race.Schedule)
	}
	return b.String()
}

// HTML is the report as an HTML table, with the races below it.
func (r *Report) HTML() string {
	var b strings.Builder
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "<p style=\"color:#b00\">model error: %s</p>", html.EscapeString(e))
	}
	fmt.Fprintf(&b, "<p>%d schedules tried", r.Schedules)
	if r.Truncated {
		b.WriteString(" (stopped early: set <code>Options.MaxPreemptions</code> or <code>MaxSchedules</code>)")
	}
	b.WriteString("</p><table><thead><tr><th>outcome</th><th>schedules</th><th>a schedule that gets there (for Replay)</th></tr></thead><tbody>")
	for _, o := range r.Outcomes {
		fmt.Fprintf(&b, "<tr><td><b>%s</b></td><td>%d</td><td><code>%s</code></td></tr>",
			html.EscapeString(o.State), o.Schedules, html.EscapeString(o.Witness))
	}
	b.WriteString("</tbody></table>")
	if len(r.Races) > 0 {
		b.WriteString("<p><b>Data races</b> (accesses that nothing orders):</p><ul>")
		for _, race := range r.Races {
			fmt.Fprintf(&b, "<li>%s, in schedule <code>%s</code></li>", html.EscapeString(race.Message), html.EscapeString(race.Schedule))
		}
		b.WriteString("</ul>")
	} else if len(r.Errors) == 0 {
		b.WriteString("<p>No data races: every conflicting pair of accesses is ordered by a lock or a channel.</p>")
	}
	return b.String()
}

// Show displays the report and, for each outcome, the timeline of its
// witness schedule.
func (r *Report) Show() {
	var pictures strings.Builder
	for i, o := range r.Outcomes {
		if i == 4 {
			fmt.Fprintf(&pictures, "<p>(%d more outcomes not drawn)</p>", len(r.Outcomes)-4)
			break
		}
		t, err := r.Model.Replay(o.Witness)
		if err != nil {
			continue
		}
		pictures.WriteString(t.Timeline().Chart(o.State + ":  " + o.Witness).SVG())
	}
	display.Show(display.Bundle{"text/html": r.HTML() + pictures.String(), "text/plain": r.String()})
}

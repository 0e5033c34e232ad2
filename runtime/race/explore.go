package race

import (
	"fmt"
	"sort"
	"strings"
)

// Options limit an exploration.
type Options struct {
	// MaxPreemptions bounds how often a schedule may switch away from a
	// goroutine that could have gone on; -1 means no bound. Small bounds
	// find most bugs in far fewer schedules.
	MaxPreemptions int
	// MaxSchedules stops the search after this many complete schedules;
	// 0 means 100000.
	MaxSchedules int
}

// Outcome is one possible end of the model: the final values of the
// shared variables, or a deadlock.
type Outcome struct {
	State     string // "counter=1", or "deadlock: …"
	Deadlock  bool
	Schedules int    // how many schedules end here
	Witness   string // a schedule that ends here, for Replay
}

// Race is a data race found in some schedule: two accesses to a shared
// variable by different goroutines, at least one a write, with nothing
// (lock, channel) ordering them.
type Race struct {
	Var      string
	Message  string // "write at step 3 by g1 races with read at step 4 by g2"
	Schedule string // the schedule up to the second access: the step numbers refer to it
}

// Report is what Explore found.
type Report struct {
	Model     *Model
	Outcomes  []Outcome // in the order first reached
	Races     []Race
	Schedules int  // complete schedules tried
	Truncated bool // MaxSchedules stopped the search
	Errors    []string
}

// Explore tries every interleaving of the model's steps.
func (m *Model) Explore() *Report { return m.ExploreWith(Options{MaxPreemptions: -1}) }

// ExploreWith tries the interleavings the options allow.
func (m *Model) ExploreWith(opts Options) *Report {
	r := &Report{Model: m, Errors: append([]string(nil), m.errs...)}
	if len(r.Errors) > 0 {
		return r
	}
	if opts.MaxSchedules <= 0 {
		opts.MaxSchedules = 100000
	}
	e := &explorer{m: m, opts: opts, report: r, outcome: map[string]int{}, raceSeen: map[string]bool{}}
	e.dfs(m.start(), nil, -1, 0)
	return r
}

// move is one scheduling choice: goroutine g takes its next step; for an
// unbuffered send, partner is the receiving goroutine (else -1).
type move struct{ g, partner int }

func (m *Model) token(mv move) string {
	if mv.partner >= 0 {
		return m.gs[mv.g].name + ">" + m.gs[mv.partner].name
	}
	return m.gs[mv.g].name
}

type access struct {
	g, step int // goroutine, and the 1-based step number in the schedule
	clock   int // the goroutine's own clock component at the access
	write   bool
	pc      int // the goroutine's step index, to deduplicate reports
}

// state is a point of one schedule.
type state struct {
	pc      []int
	locals  []map[string]int
	shared  map[string]int
	owner   map[string]int   // mutex -> goroutine holding it, or absent
	buffer  map[string][]msg // channel -> values in flight
	vc      [][]int          // vector clock per goroutine
	lockVC  map[string][]int // clock released by the last Unlock
	history map[string][]access
	steps   int
}

type msg struct {
	value int
	vc    []int
}

func (m *Model) start() *state {
	n := len(m.gs)
	s := &state{pc: make([]int, n), locals: make([]map[string]int, n), shared: map[string]int{},
		owner: map[string]int{}, buffer: map[string][]msg{}, vc: make([][]int, n),
		lockVC: map[string][]int{}, history: map[string][]access{}}
	for i := range m.gs {
		s.locals[i] = map[string]int{}
		s.vc[i] = make([]int, n)
	}
	for k, v := range m.initial {
		s.shared[k] = v
	}
	return s
}

func (s *state) clone() *state {
	c := &state{pc: append([]int(nil), s.pc...), locals: make([]map[string]int, len(s.locals)),
		shared: copyMap(s.shared), owner: copyMap(s.owner), buffer: map[string][]msg{},
		vc: make([][]int, len(s.vc)), lockVC: map[string][]int{}, history: map[string][]access{}, steps: s.steps}
	for i, l := range s.locals {
		c.locals[i] = copyMap(l)
		c.vc[i] = append([]int(nil), s.vc[i]...)
	}
	for k, v := range s.buffer {
		c.buffer[k] = append([]msg(nil), v...)
	}
	for k, v := range s.lockVC {
		c.lockVC[k] = v // never modified in place
	}
	for k, v := range s.history {
		c.history[k] = v[:len(v):len(v)] // appends copy
	}
	return c
}

func copyMap[K comparable, V any](m map[K]V) map[K]V {
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func join(into, other []int) {
	for i, v := range other {
		if v > into[i] {
			into[i] = v
		}
	}
}

// moves lists what may happen next.
func (m *Model) moves(s *state) []move {
	var out []move
	for i, g := range m.gs {
		if s.pc[i] >= len(g.steps) {
			continue
		}
		st := g.steps[s.pc[i]]
		switch st.Op {
		case Lock:
			if _, held := s.owner[st.Target]; held {
				continue
			}
		case Send:
			capacity := m.chans[st.Target]
			if capacity == 0 {
				for j, h := range m.gs {
					if j != i && s.pc[j] < len(h.steps) && h.steps[s.pc[j]].Op == Recv && h.steps[s.pc[j]].Target == st.Target {
						out = append(out, move{i, j})
					}
				}
				continue
			}
			if len(s.buffer[st.Target]) >= capacity {
				continue
			}
		case Recv:
			if len(s.buffer[st.Target]) == 0 {
				continue // an unbuffered receive moves with its sender
			}
		}
		out = append(out, move{i, -1})
	}
	return out
}

// apply performs a move on s (a fresh clone) and returns the accesses it
// made to shared variables, and a model error if the step is wrong.
func (m *Model) apply(s *state, mv move) (made []access, err string) {
	i := mv.g
	st := m.gs[i].steps[s.pc[i]]
	s.steps++
	s.vc[i][i]++
	local := s.locals[i]
	value := func() int {
		if st.Const {
			return st.Value
		}
		return local[st.Local]
	}
	switch st.Op {
	case Read:
		local[st.Local] = s.shared[st.Target]
		made = append(made, access{g: i, step: s.steps, clock: s.vc[i][i], pc: s.pc[i]})
	case Write:
		s.shared[st.Target] = value()
		made = append(made, access{g: i, step: s.steps, clock: s.vc[i][i], write: true, pc: s.pc[i]})
	case Add:
		local[st.Local] += st.Value
	case Set:
		local[st.Local] = st.Value
	case Lock:
		s.owner[st.Target] = i
		if c, ok := s.lockVC[st.Target]; ok {
			join(s.vc[i], c)
		}
	case Unlock:
		if owner, held := s.owner[st.Target]; !held || owner != i {
			err = fmt.Sprintf("%s unlocks %s, which it does not hold (Go stops with \"fatal error: sync: unlock of unlocked mutex\")", m.gs[i].name, st.Target)
		}
		delete(s.owner, st.Target)
		s.lockVC[st.Target] = append([]int(nil), s.vc[i]...)
	case Send:
		if mv.partner >= 0 { // unbuffered: both sides meet
			j := mv.partner
			rs := m.gs[j].steps[s.pc[j]]
			s.vc[j][j]++
			join(s.vc[j], s.vc[i])
			join(s.vc[i], s.vc[j])
			s.locals[j][rs.Local] = value()
			s.pc[j]++
		} else {
			s.buffer[st.Target] = append(s.buffer[st.Target], msg{value: value(), vc: append([]int(nil), s.vc[i]...)})
		}
	case Recv:
		q := s.buffer[st.Target]
		local[st.Local] = q[0].value
		join(s.vc[i], q[0].vc)
		s.buffer[st.Target] = q[1:]
	}
	s.pc[i]++
	return made, err
}

type explorer struct {
	m        *Model
	opts     Options
	report   *Report
	outcome  map[string]int // state -> index in report.Outcomes
	raceSeen map[string]bool
}

func (e *explorer) dfs(s *state, schedule []move, last, preemptions int) {
	if e.report.Schedules >= e.opts.MaxSchedules {
		e.report.Truncated = true
		return
	}
	moves := e.m.moves(s)
	if len(moves) == 0 {
		e.finish(s, schedule)
		return
	}
	lastEnabled := false
	for _, mv := range moves {
		if mv.g == last {
			lastEnabled = true
		}
	}
	for _, mv := range moves {
		p := preemptions
		if lastEnabled && mv.g != last {
			p++
			if e.opts.MaxPreemptions >= 0 && p > e.opts.MaxPreemptions {
				continue
			}
		}
		next := s.clone()
		made, err := e.m.apply(next, mv)
		sched := append(schedule[:len(schedule):len(schedule)], mv)
		if err != "" {
			e.addError(err, sched)
			continue
		}
		for _, a := range made {
			e.checkRace(next, a, sched)
		}
		e.dfs(next, sched, mv.g, p)
	}
}

func (e *explorer) addError(msg string, schedule []move) {
	text := msg + " in schedule " + e.m.scheduleString(schedule)
	for _, have := range e.report.Errors {
		if strings.HasPrefix(have, msg) {
			return
		}
	}
	e.report.Errors = append(e.report.Errors, text)
}

// checkRace compares an access with the earlier ones to the variable.
func (e *explorer) checkRace(s *state, a access, schedule []move) {
	st := e.m.gs[a.g].steps[a.pc]
	v := st.Target
	for _, b := range s.history[v] {
		if b.g == a.g || (!a.write && !b.write) || b.clock <= s.vc[a.g][b.g] {
			continue // same goroutine, two reads, or ordered
		}
		key := fmt.Sprintf("%s|%d/%d|%d/%d", v, b.g, b.pc, a.g, a.pc)
		if e.raceSeen[key] {
			continue
		}
		e.raceSeen[key] = true
		e.report.Races = append(e.report.Races, Race{
			Var: v,
			Message: fmt.Sprintf("%s at step %d by %s races with %s at step %d by %s (on %s)",
				kind(b.write), b.step, e.m.gs[b.g].name, kind(a.write), a.step, e.m.gs[a.g].name, v),
			Schedule: e.m.scheduleString(schedule),
		})
	}
	s.history[v] = append(s.history[v], a)
}

func kind(write bool) string {
	if write {
		return "write"
	}
	return "read"
}

func (e *explorer) finish(s *state, schedule []move) {
	e.report.Schedules++
	key, deadlock := e.m.describe(s)
	if i, ok := e.outcome[key]; ok {
		e.report.Outcomes[i].Schedules++
		return
	}
	e.outcome[key] = len(e.report.Outcomes)
	e.report.Outcomes = append(e.report.Outcomes, Outcome{State: key, Deadlock: deadlock, Schedules: 1, Witness: e.m.scheduleString(schedule)})
}

// describe names a final state: the shared variables, or who waits on what.
func (m *Model) describe(s *state) (string, bool) {
	var waiting []string
	for i, g := range m.gs {
		if s.pc[i] < len(g.steps) {
			waiting = append(waiting, fmt.Sprintf("%s waits at %s", g.name, g.steps[s.pc[i]]))
		}
	}
	if len(waiting) > 0 {
		return "deadlock: " + strings.Join(waiting, "; "), true
	}
	parts := make([]string, len(m.vars))
	for i, v := range m.vars {
		parts[i] = fmt.Sprintf("%s=%d", v, s.shared[v])
	}
	return strings.Join(parts, " "), false
}

func (m *Model) scheduleString(schedule []move) string {
	tokens := make([]string, len(schedule))
	for i, mv := range schedule {
		tokens[i] = m.token(mv)
	}
	return strings.Join(tokens, " ")
}

// Values returns the distinct final values of a shared variable over the
// outcomes that are not deadlocks, smallest first.
func (r *Report) Values(v string) []int {
	seen := map[int]bool{}
	var out []int
	for _, o := range r.Outcomes {
		if o.Deadlock {
			continue
		}
		for _, part := range strings.Fields(o.State) {
			name, val, _ := strings.Cut(part, "=")
			var n int
			if name == v {
				if _, err := fmt.Sscan(val, &n); err == nil && !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	sort.Ints(out)
	return out
}

package race

import (
	"fmt"
	"strings"
)

// Model is a small program of goroutines whose reads and writes of shared
// variables, lock operations and channel operations are explicit steps, so
// that Explore can try every order in which they may interleave.
//
// The lecture's counter: two goroutines each read the counter into a
// local, add one, and write it back.
//
//	m := race.NewModel().Var("counter", 0)
//	for _, name := range []string{"g1", "g2"} {
//		m.Go(name).Read("counter", "tmp").Add("tmp", 1).Write("counter", "tmp")
//	}
//	m.Explore().Show() // counter=1 and counter=2, a witness for each
//
// Locals belong to their goroutine and start at 0. A model is built once
// and explored as often as needed; the builder methods return the model or
// goroutine so that calls chain.
type Model struct {
	vars    []string
	initial map[string]int
	mutexes map[string]bool
	chans   map[string]int // capacity
	gs      []*Goroutine
	errs    []string // mistakes in the model, reported by Explore
}

// Goroutine is one goroutine of a Model: a list of steps.
type Goroutine struct {
	name  string
	m     *Model
	steps []Step
}

// OpKind names what a step does.
type OpKind string

// The kinds of step.
const (
	Read   OpKind = "read"   // local = shared variable
	Write  OpKind = "write"  // shared variable = local (or a constant)
	Add    OpKind = "add"    // local += constant
	Set    OpKind = "set"    // local = constant
	Lock   OpKind = "lock"   // lock a mutex; waits while another goroutine holds it
	Unlock OpKind = "unlock" // unlock a mutex the goroutine holds
	Send   OpKind = "send"   // send a local (or a constant) on a channel
	Recv   OpKind = "recv"   // receive from a channel into a local
)

// Step is one atomic action of a goroutine.
type Step struct {
	Op     OpKind
	Target string // the shared variable, mutex or channel
	Local  string // the goroutine's local, if the step uses one
	Value  int    // the constant of Add, Set, and constant Write or Send
	Const  bool   // Write or Send of Value rather than Local
}

// String describes the step in Go-like words.
func (s Step) String() string {
	src := s.Local
	if s.Const {
		src = fmt.Sprint(s.Value)
	}
	switch s.Op {
	case Read:
		return fmt.Sprintf("%s := %s", s.Local, s.Target)
	case Write:
		return fmt.Sprintf("%s = %s", s.Target, src)
	case Add:
		return fmt.Sprintf("%s += %d", s.Local, s.Value)
	case Set:
		return fmt.Sprintf("%s = %d", s.Local, s.Value)
	case Lock:
		return s.Target + ".Lock()"
	case Unlock:
		return s.Target + ".Unlock()"
	case Send:
		return fmt.Sprintf("%s <- %s", s.Target, src)
	case Recv:
		return fmt.Sprintf("%s := <-%s", s.Local, s.Target)
	}
	return string(s.Op)
}

// NewModel returns an empty model.
func NewModel() *Model {
	return &Model{initial: map[string]int{}, mutexes: map[string]bool{}, chans: map[string]int{}}
}

// Var declares a shared variable with its initial value.
func (m *Model) Var(name string, initial int) *Model {
	if _, dup := m.initial[name]; dup {
		m.errs = append(m.errs, fmt.Sprintf("variable %q declared twice", name))
		return m
	}
	m.vars = append(m.vars, name)
	m.initial[name] = initial
	return m
}

// Mutex declares a mutex.
func (m *Model) Mutex(name string) *Model {
	m.mutexes[name] = true
	return m
}

// Chan declares a channel with a buffer of the given capacity (0 for an
// unbuffered channel, where a send and its receive happen together).
func (m *Model) Chan(name string, capacity int) *Model {
	if capacity < 0 {
		m.errs = append(m.errs, fmt.Sprintf("channel %q has negative capacity %d", name, capacity))
		capacity = 0
	}
	m.chans[name] = capacity
	return m
}

// Go adds a goroutine; add its steps with the returned value's methods.
func (m *Model) Go(name string) *Goroutine {
	for _, g := range m.gs {
		if g.name == name {
			m.errs = append(m.errs, fmt.Sprintf("two goroutines named %q", name))
		}
	}
	if strings.ContainsAny(name, " >") || name == "" {
		m.errs = append(m.errs, fmt.Sprintf("goroutine name %q: use a name without spaces or '>'", name))
	}
	g := &Goroutine{name: name, m: m}
	m.gs = append(m.gs, g)
	return g
}

// Goroutines returns the goroutine names, in the order they were added.
func (m *Model) Goroutines() []string {
	names := make([]string, len(m.gs))
	for i, g := range m.gs {
		names[i] = g.name
	}
	return names
}

func (g *Goroutine) add(s Step) *Goroutine {
	where := fmt.Sprintf("%s step %d (%s)", g.name, len(g.steps)+1, s)
	switch s.Op {
	case Read, Write:
		if _, ok := g.m.initial[s.Target]; !ok {
			g.m.errs = append(g.m.errs, fmt.Sprintf("%s: no shared variable %q (declare it with Var)", where, s.Target))
		}
	case Lock, Unlock:
		if !g.m.mutexes[s.Target] {
			g.m.errs = append(g.m.errs, fmt.Sprintf("%s: no mutex %q (declare it with Mutex)", where, s.Target))
		}
	case Send, Recv:
		if _, ok := g.m.chans[s.Target]; !ok {
			g.m.errs = append(g.m.errs, fmt.Sprintf("%s: no channel %q (declare it with Chan)", where, s.Target))
		}
	}
	g.steps = append(g.steps, s)
	return g
}

// Read adds the step local := v.
func (g *Goroutine) Read(v, local string) *Goroutine {
	return g.add(Step{Op: Read, Target: v, Local: local})
}

// Write adds the step v = local.
func (g *Goroutine) Write(v, local string) *Goroutine {
	return g.add(Step{Op: Write, Target: v, Local: local})
}

// WriteValue adds the step v = value.
func (g *Goroutine) WriteValue(v string, value int) *Goroutine {
	return g.add(Step{Op: Write, Target: v, Value: value, Const: true})
}

// Add adds the step local += k: work on the goroutine's own copy.
func (g *Goroutine) Add(local string, k int) *Goroutine {
	return g.add(Step{Op: Add, Local: local, Value: k})
}

// Set adds the step local = k.
func (g *Goroutine) Set(local string, k int) *Goroutine {
	return g.add(Step{Op: Set, Local: local, Value: k})
}

// Lock adds the step mu.Lock().
func (g *Goroutine) Lock(mu string) *Goroutine { return g.add(Step{Op: Lock, Target: mu}) }

// Unlock adds the step mu.Unlock().
func (g *Goroutine) Unlock(mu string) *Goroutine { return g.add(Step{Op: Unlock, Target: mu}) }

// Send adds the step ch <- local.
func (g *Goroutine) Send(ch, local string) *Goroutine {
	return g.add(Step{Op: Send, Target: ch, Local: local})
}

// SendValue adds the step ch <- value.
func (g *Goroutine) SendValue(ch string, value int) *Goroutine {
	return g.add(Step{Op: Send, Target: ch, Value: value, Const: true})
}

// Recv adds the step local := <-ch.
func (g *Goroutine) Recv(ch, local string) *Goroutine {
	return g.add(Step{Op: Recv, Target: ch, Local: local})
}

// Increment adds the three steps of counter++ as the machine does them:
// read the variable into a local, add one, write it back.
func (g *Goroutine) Increment(v string) *Goroutine {
	local := "tmp"
	return g.Read(v, local).Add(local, 1).Write(v, local)
}

// Model returns the goroutine's model, to go on declaring.
func (g *Goroutine) Model() *Model { return g.m }

// CounterModel is the lecture's counter: n goroutines each increment a
// shared counter in three steps, inside a mutex if locked is true.
func CounterModel(n int, locked bool) *Model {
	m := NewModel().Var("counter", 0)
	if locked {
		m.Mutex("mu")
	}
	for i := 1; i <= n; i++ {
		g := m.Go(fmt.Sprintf("g%d", i))
		if locked {
			g.Lock("mu")
		}
		g.Increment("counter")
		if locked {
			g.Unlock("mu")
		}
	}
	return m
}

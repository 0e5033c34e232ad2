package race

import (
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestExploreCounterModels(t *testing.T) {
	tests := []struct {
		name       string
		model      *Model
		values     []int
		schedules  int
		wantsRaces bool
	}{
		// Two goroutines of three steps: 6!/(3!·3!) = 20 interleavings.
		{"two goroutines, no lock", CounterModel(2, false), []int{1, 2}, 20, true},
		// With the lock, only whole critical sections interleave.
		{"two goroutines, mutex", CounterModel(2, true), []int{2}, 2, false},
		{"three goroutines, no lock", CounterModel(3, false), []int{1, 2, 3}, 1680, true},
		{"three goroutines, mutex", CounterModel(3, true), []int{3}, 6, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.model.Explore()
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %v", r.Errors)
			}
			if got := r.Values("counter"); !reflect.DeepEqual(got, tt.values) {
				t.Errorf("final counter values %v, want %v", got, tt.values)
			}
			if r.Schedules != tt.schedules {
				t.Errorf("%d schedules, want %d", r.Schedules, tt.schedules)
			}
			if (len(r.Races) > 0) != tt.wantsRaces {
				t.Errorf("races %v, want races: %v", r.Races, tt.wantsRaces)
			}
			// Every witness replays to its outcome.
			for _, o := range r.Outcomes {
				tr, err := tt.model.Replay(o.Witness)
				if err != nil {
					t.Fatalf("replay %q: %v", o.Witness, err)
				}
				if tr.Final != o.State {
					t.Errorf("replay of %q ends %q, want %q", o.Witness, tr.Final, o.State)
				}
			}
		})
	}
}

func TestRaceReportNamesStepsAndGoroutines(t *testing.T) {
	r := CounterModel(2, false).Explore()
	want := "write at step 3 by g1 races with read at step 4 by g2 (on counter)"
	found := false
	for _, race := range r.Races {
		if race.Message == want {
			found = true
			if race.Schedule != "g1 g1 g1 g2" {
				t.Errorf("the race is reported in schedule %q", race.Schedule)
			}
		}
	}
	if !found {
		t.Errorf("no race %q among %v", want, r.Races)
	}
}

func TestReplayOfAPrefix(t *testing.T) {
	tr, err := CounterModel(2, false).Replay("g1 g1 g1 g2")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Complete || tr.Final != "counter=1 (4 steps; goroutines can go on)" {
		t.Errorf("prefix replay: complete %v, final %q", tr.Complete, tr.Final)
	}
}

func TestLostUpdateWitness(t *testing.T) {
	tr, err := CounterModel(2, false).Replay("g1 g2 g1 g1 g2 g2")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Final != "counter=1" {
		t.Errorf("both read 0 first, so one update is lost; got %s\n%s", tr.Final, tr)
	}
}

func TestChannelsAndDeadlocks(t *testing.T) {
	// A value handed over a channel orders the write before the read: no race.
	handoff := NewModel().Var("data", 0).Chan("done", 0)
	handoff.Go("writer").WriteValue("data", 42).SendValue("done", 1)
	handoff.Go("reader").Recv("done", "ok").Read("data", "v").Write("data", "v")
	// Two locks taken in opposite orders can deadlock.
	crossed := NewModel().Var("x", 0).Mutex("a").Mutex("b")
	crossed.Go("g1").Lock("a").Lock("b").WriteValue("x", 1).Unlock("b").Unlock("a")
	crossed.Go("g2").Lock("b").Lock("a").WriteValue("x", 2).Unlock("a").Unlock("b")
	buffered := NewModel().Var("sum", 0).Chan("ch", 2)
	buffered.Go("sender").SendValue("ch", 1).SendValue("ch", 2)
	buffered.Go("receiver").Recv("ch", "a").Recv("ch", "b").Write("sum", "b")
	tests := []struct {
		name      string
		model     *Model
		races     int
		deadlocks bool
		states    []string
	}{
		{"unbuffered hand-off", handoff, 0, false, []string{"data=42"}},
		{"crossed locks", crossed, 0, true, nil},
		{"buffered channel keeps order", buffered, 0, false, []string{"sum=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.model.Explore()
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if len(r.Races) != tt.races {
				t.Errorf("races %v, want %d", r.Races, tt.races)
			}
			deadlock := false
			var states []string
			for _, o := range r.Outcomes {
				if o.Deadlock {
					deadlock = true
					if !strings.Contains(o.State, "g1 waits at b.Lock()") {
						t.Errorf("deadlock described as %q", o.State)
					}
				} else {
					states = append(states, o.State)
				}
			}
			if deadlock != tt.deadlocks {
				t.Errorf("deadlock found: %v, want %v", deadlock, tt.deadlocks)
			}
			if tt.states != nil && !reflect.DeepEqual(states, tt.states) {
				t.Errorf("outcomes %v, want %v", states, tt.states)
			}
		})
	}
}

func TestPreemptionBoundPrunes(t *testing.T) {
	full := CounterModel(3, false).Explore()
	bounded := CounterModel(3, false).ExploreWith(Options{MaxPreemptions: 1})
	if bounded.Schedules >= full.Schedules || bounded.Schedules == 0 {
		t.Errorf("bounded search tried %d schedules, full %d", bounded.Schedules, full.Schedules)
	}
	// One preemption is enough to lose an update: g1 reads, g2 and g3 run
	// to the end, g1 writes back its stale value.
	if got := bounded.Values("counter"); !reflect.DeepEqual(got, []int{1, 2, 3}) {
		t.Errorf("with one preemption: %v, want [1 2 3]", got)
	}
	serial := CounterModel(3, false).ExploreWith(Options{MaxPreemptions: 0})
	if got := serial.Values("counter"); !reflect.DeepEqual(got, []int{3}) || serial.Schedules != 6 {
		t.Errorf("without preemption: %v in %d schedules, want [3] in 6 (the orders of three goroutines)", got, serial.Schedules)
	}
	capped := CounterModel(3, false).ExploreWith(Options{MaxPreemptions: -1, MaxSchedules: 10})
	if !capped.Truncated || capped.Schedules != 10 {
		t.Errorf("MaxSchedules: truncated %v after %d", capped.Truncated, capped.Schedules)
	}
}

func TestModelMistakesAreReported(t *testing.T) {
	tests := []struct {
		name  string
		model *Model
		want  string
	}{
		{"undeclared variable", func() *Model { m := NewModel(); m.Go("g").Read("x", "t"); return m }(), `no shared variable "x"`},
		{"undeclared mutex", func() *Model { m := NewModel(); m.Go("g").Lock("mu"); return m }(), `no mutex "mu"`},
		{"unlock not held", func() *Model { m := NewModel().Mutex("mu"); m.Go("g").Unlock("mu"); return m }(), "unlock of unlocked mutex"},
		{"duplicate goroutine", func() *Model { m := NewModel(); m.Go("g"); m.Go("g"); return m }(), `two goroutines named "g"`},
	}
	for _, tt := range tests {
		r := tt.model.Explore()
		if !strings.Contains(strings.Join(r.Errors, "\n"), tt.want) {
			t.Errorf("%s: errors %v, want %q", tt.name, r.Errors, tt.want)
		}
	}
	if _, err := CounterModel(2, false).Replay("g1 g3"); err == nil || !strings.Contains(err.Error(), `no goroutine "g3"`) {
		t.Errorf("replay with an unknown goroutine: %v", err)
	}
	if _, err := CounterModel(2, true).Replay("g1 g2"); err == nil || !strings.Contains(err.Error(), "cannot take its step mu.Lock()") {
		t.Errorf("replay of a blocked step: %v", err)
	}
}

// The switch makes every update but one get lost, on every run.
func TestSwitchForcesTheLostUpdate(t *testing.T) {
	for run := 0; run < 50; run++ {
		counter := 0
		var mu sync.Mutex // only so that the race detector accepts the test; the switch does the harm
		sw := NewSwitch(4)
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mu.Lock()
				tmp := counter
				mu.Unlock()
				sw.Here()
				mu.Lock()
				counter = tmp + 1
				mu.Unlock()
			}()
		}
		wg.Wait()
		if counter != 1 {
			t.Fatalf("run %d: counter = %d, want 1 (all four read 0 before any wrote)", run, counter)
		}
	}
}

func TestHistogramCounts(t *testing.T) {
	i := 0
	o := Histogram(10, func() int { i++; return i % 3 })
	if o.Runs != 10 || !reflect.DeepEqual(o.Counts, map[int]int{0: 3, 1: 4, 2: 3}) {
		t.Errorf("counts %v of %d runs", o.Counts, o.Runs)
	}
	if !reflect.DeepEqual(o.Results(), []int{0, 1, 2}) || o.Share(1) != 0.4 {
		t.Errorf("results %v, share of 1 %v", o.Results(), o.Share(1))
	}
	if svg := o.Chart("").SVG(); !strings.Contains(svg, "<svg") {
		t.Error("the chart is not SVG")
	}
}

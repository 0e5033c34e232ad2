package worker

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary play a golab/proc child process.
func TestMain(m *testing.M) {
	if os.Getenv("GOLAB_PROC_CHILD") == "1" {
		if err := ProcMain(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A function defined in cells runs in a child process with the notebook's
// declarations and variables (its own copy), and its result comes back.
func TestProcessRunsCellFunctions(t *testing.T) {
	w := newWorker(t)
	cells := []string{
		`import ("fmt"; "strings"; "golab/proc")`,
		`base := 10`,
		`type pair struct{ A, B int }
func add(p pair) int { base = 1000; return base + p.A + p.B }
func shout(s string) (string, int) { up, n := strings.ToUpper(s)+" from "+proc.Name(), len(s); return up, n }
func boom() int { var m map[string]int; m["x"] = 1; return 0 }`,
	}
	for _, c := range cells {
		if _, e := w.run(c); e != nil {
			t.Fatalf("%s: %v", c, e.Value)
		}
	}
	tests := []struct{ cell, want string }{
		{`r, err := proc.Run(add, pair{1, 2})
fmt.Sprint(r, err, base)`, `"1003 <nil> 10"`},
		{`p, _ := proc.Start(shout, "hi")
all, err := p.Results()
fmt.Sprint(all, err, p.Name() != "")`, `"[HI from Process-2 2] <nil> true"`},
		{`_, err := proc.Run(boom)
err != nil && strings.Contains(err.Error(), "assignment to entry in nil map")`, "true"},
		{`squares, err := proc.Map(add, []any{pair{1, 1}, pair{2, 2}}, 2)
fmt.Sprint(squares, err)`, `"[1002 1004] <nil>"`},
	}
	for _, tt := range tests {
		got, e := w.run(tt.cell)
		if e != nil {
			t.Fatalf("%s: %v", tt.cell, e.Value)
		}
		if got != tt.want {
			t.Errorf("%s\n= %s, want %s", tt.cell, got, tt.want)
		}
	}
}

// BenchmarkProcessStartToResult measures proc.Run of a trivial notebook
// function: a new process, its interpreter, the notebook's declarations,
// the call and the result back.
func BenchmarkProcessStartToResult(b *testing.B) {
	w, err := New("bench", discard{})
	if err != nil {
		b.Fatal(err)
	}
	w.frames.dst = discard{}
	for _, c := range []string{`import "golab/proc"`, `func one() int { return 1 }`} {
		if _, e := w.run(c); e != nil {
			b.Fatal(e.Value)
		}
	}
	loop := fmt.Sprintf("for i := 0; i < %d; i++ { if r, err := proc.Run(one); err != nil || r != 1 { panic(fmt.Sprint(r, err)) } }", b.N)
	if _, e := w.run(`import "fmt"`); e != nil {
		b.Fatal(e.Value)
	}
	b.ResetTimer()
	if _, e := w.run(loop); e != nil && !strings.Contains(e.Value, "nothing") {
		b.Fatal(e.Value)
	}
}

// A child loads the notebook's journal by the rules of a restore: an
// initializer that calls code is not run again there (v has its zero
// value, and "init ran" is printed once, by the notebook), a top-level
// variable has its first value, and a changed type is the latest one.
func TestChildrenLoadTheJournalAsARestoreDoes(t *testing.T) {
	w := newWorker(t)
	for _, c := range []string{
		`import ("fmt"; "golab/proc")`,
		`func compute() int { fmt.Println("compute ran"); return 3 }
var v = compute()
n := 5`,
		`n = 9`,
		`func get() string { return fmt.Sprint(v, n) }`,
	} {
		if _, e := w.run(c); e != nil {
			t.Fatalf("%s: %v", c, e.Value)
		}
	}
	got, e := w.run("r, err := proc.Run(get)\nfmt.Sprintf(\"%s %v %d %d\", r, err, v, n)")
	if e != nil {
		t.Fatal(e.Value)
	}
	if want := `"0 5 <nil> 3 9"`; got != want {
		t.Errorf("child's v and n, then the notebook's = %s, want %s", got, want)
	}
}

// A declaration the child cannot load (here a var whose initializer calls
// code and whose type is not written, so it is left out, and the function
// that uses it with it) does not keep the child from calling another
// function.
func TestChildrenStartDespiteAnUnrelatedLostDeclaration(t *testing.T) {
	w := newWorker(t)
	for _, c := range []string{
		`import ("fmt"; "os"; "golab/proc")`,
		`var data, _ = os.ReadFile("/etc/hostname")
func size() int { return len(data) }`,
		`func hello() string { return "hi" }`,
	} {
		if _, e := w.run(c); e != nil {
			t.Fatalf("%s: %v", c, e.Value)
		}
	}
	got, e := w.run("r, err := proc.Run(hello)\nfmt.Sprintf(\"%s %v\", r, err)")
	if e != nil {
		t.Fatal(e.Value)
	}
	if got != `"hi <nil>"` {
		t.Errorf("proc.Run(hello) = %s, want \"hi <nil>\"", got)
	}
}

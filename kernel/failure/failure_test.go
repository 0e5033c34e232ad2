package failure

import (
	"fmt"
	"strings"
	"testing"

	"github.com/golab-notebooks/golab/kernel/protocol"
)

func TestGoPanicText(t *testing.T) {
	tests := []struct {
		said, want string
		known      bool
	}{
		{"reflect: slice index out of range", "runtime error: index out of range", true},
		{"reflect: call of reflect.Value.Elem on zero Value", "runtime error: invalid memory address or nil pointer dereference", true},
		{"assignment to entry in nil map", "assignment to entry in nil map", true},
		{"boom", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.said, func(t *testing.T) {
			got, known := GoPanicText(tt.said)
			if got != tt.want || known != tt.known {
				t.Errorf("GoPanicText(%q) = %q, %v; want %q, %v", tt.said, got, known, tt.want, tt.known)
			}
		})
	}
}

func TestFrameWords(t *testing.T) {
	tests := []struct {
		frame Frame
		want  string
	}{
		{Frame{Line: 3, Col: 5}, "  at cell line 3, column 5"},
		{Frame{Line: 3, Col: 5, Func: "main"}, "  at cell line 3, column 5"},
		{Frame{Line: 4}, "  at cell line 4"},
		{Frame{Line: 2, Col: 9, Func: "withdraw"}, "  at cell line 2, column 9 (in withdraw)"},
		{Frame{Line: 2, Col: 9, Func: "func1"}, "  at cell line 2, column 9 (in a function literal)"},
		{Frame{Line: 7, GoStatement: true, ThisCell: true}, "  in the goroutine started at cell line 7"},
		{Frame{Line: 7, GoStatement: true}, "  in the goroutine started at line 7 of an earlier cell"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.frame.String(); got != tt.want {
				t.Errorf("%+v.String() = %q, want %q", tt.frame, got, tt.want)
			}
		})
	}
}

// A crash report of the Go runtime is quoted with the learner's words
// added: the cell lines of the frames, the functions that call themselves,
// what the interpreter's own words mean.
func TestEndingExplain(t *testing.T) {
	tests := []struct {
		name   string
		ending Ending
		ename  string
		want   []string
		not    []string
	}{
		{"goroutine panic", Ending{
			Crash:  "panic: boom\n\ngoroutine 7 [running]:\nmain.f()\n",
			Frames: []Frame{{Line: 3, Col: 2, Func: "work"}, {Line: 5, GoStatement: true, ThisCell: true}},
		}, "panic", []string{"boom", "in goroutine 7", "at cell line 3, column 2\n", "goroutine started at cell line 5"}, []string{"started by this or an earlier cell", "(in "}},
		{"yaegi's nil pointer", Ending{
			Crash: "panic: reflect: call of reflect.Value.Elem on zero Value\n\ngoroutine 9 [running]:\n",
		}, "panic", []string{"invalid memory address or nil pointer dereference", "the interpreter said: reflect"}, nil},
		{"stack overflow", Ending{
			Crash:    "runtime: goroutine stack exceeds 1000000000-byte limit\nfatal error: stack overflow\n\ngoroutine 1 [running]:\n",
			Declared: []protocol.Declaration{{Kind: "func", Name: "f", Line: 2, CallsItself: true}, {Kind: "func", Name: "g", Line: 4}},
			Earlier:  [][]protocol.Declaration{{{Kind: "func", Name: "h", Line: 1, CallsItself: true}}},
		}, "fatal error", []string{"goroutine stack exceeds", "f calls itself (defined at cell line 2)", "h calls itself (defined in an earlier cell)"}, []string{"g calls itself"}},
		{"over memory", Ending{OverMemory: true, Limit: 512 << 20, LimitFrom: "GOLAB_MEMORY_LIMIT_MB"}, "out of memory", []string{"more than 512 MiB", "is GOLAB_MEMORY_LIMIT_MB"}, nil},
		{"over JupyterHub's memory", Ending{OverMemory: true, Limit: 819 << 20, LimitFrom: "MEM_LIMIT, JupyterHub's mem_limit (1024 MiB), less a margin for the kernel"}, "out of memory",
			[]string{"more than 819 MiB", "comes from MEM_LIMIT, JupyterHub's mem_limit (1024 MiB)", "GOLAB_MEMORY_LIMIT_MB"}, nil},
		{"over the default", Ending{OverMemory: true, Limit: 2048 << 20}, "out of memory", []string{"golab's default"}, nil},
		{"killed", Ending{Signal: "SIGKILL", Peak: 300 << 20, Idle: true}, "killed", []string{"SIGKILL", "while no cell was running", "300 MiB"}, nil},
		{"os.Exit", Ending{Exit: "exit status 3", Code: "import \"os\"\nos.Exit(3)"}, "worker exited", []string{"exit status 3", "at cell line 2: os.Exit(3)"}, nil},
		{"the worker's own report", Ending{Exit: "exit status 2", Reported: Deadlock([]string{"goroutine 1 [chan send]: the cell's own code, at cell line 2"})},
			"fatal error", []string{"all goroutines are asleep - deadlock!", "at cell line 2", "a send nobody receives"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.ending.Explain()
			tb := strings.Join(e.Traceback, "\n")
			if e.Name != tt.ename {
				t.Errorf("name %q, want %q", e.Name, tt.ename)
			}
			for _, w := range tt.want {
				if !strings.Contains(tb, w) {
					t.Errorf("traceback lacks %q:\n%s", w, tb)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(tb, w) {
					t.Errorf("traceback has %q:\n%s", w, tb)
				}
			}
		})
	}
}

func ExampleRestore_Message() {
	r := Restore{Restored: []string{"func f", "type T", "var x"}, Zeroed: []string{"started"}, Lost: []string{"func g"}}
	fmt.Println(r.Message())
	// Output:
	// golab started a fresh Go worker: goroutines and values from earlier cells are gone; restored from earlier cells: func f, type T; declared again with their initial values: x; declared again with zero values, since their initializers run code that golab does not run twice: started; could not restore: func g. Run the cells that set your variables again.
}

func ExampleFrame_String() {
	fmt.Println(Frame{Line: 4, Col: 9, Func: "transfer"})
	fmt.Println(Frame{Line: 7, GoStatement: true, ThisCell: true})
	// Output:
	//   at cell line 4, column 9 (in transfer)
	//   in the goroutine started at cell line 7
}

// The interpreter's compile messages come out in the Go compiler's words.
func TestCompilerWords(t *testing.T) {
	tests := []struct {
		msg, src  string
		line, col int
		want      string
	}{
		{"cannot convert x to int", "", 1, 1, "cannot use x as int value"},
		{`package strings "strings" has no symbol Cut2`, "", 1, 1, "undefined: strings.Cut2"},
		{"undefined selector: Balance", "s := acct.Balance()", 1, 6, "acct.Balance undefined (no field or method Balance)"},
		{"unsupported assign expression", "", 1, 1, "assignment mismatch: the number of variables and values differ"},
		{`import "github.com/x/y" error: unable to find source related to: "github.com/x/y"`, "", 1, 1, `package "github.com/x/y" is not available`},
		{"declared and not used: x", "", 1, 1, "declared and not used: x"},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			if got := CompilerWords(tt.msg, tt.src, tt.line, tt.col); !strings.HasPrefix(got, tt.want) {
				t.Errorf("CompilerWords(%q) = %q, want it to start %q", tt.msg, got, tt.want)
			}
		})
	}
}

// A deadlock's goroutines and locks, as data, come out in a report that
// names each goroutine's origin and where it waits, and the circular wait.
func TestDeadlockAndLockReports(t *testing.T) {
	site := func(line int, call string) LockSite { return LockSite{Line: line, Func: "transfer", Call: call} }
	waits := []LockWait{
		{Goroutine: 7, Site: site(11, "to.mu.Lock()"), Lock: 2, Holders: []LockHold{{Goroutine: 8, Site: site(8, "from.mu.Lock()")}}},
		{Goroutine: 8, Site: site(11, "to.mu.Lock()"), Lock: 1, Holders: []LockHold{{Goroutine: 7, Site: site(8, "from.mu.Lock()")}}},
	}
	locks := LockReport(waits, waits, map[int]bool{1: true, 7: true, 8: true}, false)
	for _, want := range []string{"goroutine 8 holds it (from.mu.Lock() in transfer, cell line 8)", "A circular wait: goroutines 7 → 8 → 7"} {
		if !strings.Contains(locks.Text, want) {
			t.Errorf("lock report lacks %q:\n%s", want, locks.Text)
		}
	}
	main := Goroutine{ID: 1, State: "semacquire", WaitKind: "wait", WaitLines: []int{14}}
	others := []Goroutine{
		{ID: 7, State: "sync.Mutex.Lock", StartLine: 12, Lock: locks.Waiting[7]},
		{ID: 8, State: "sync.Mutex.Lock", StartLine: 13, Lock: locks.Waiting[8]},
		{ID: 9, State: "chan receive", StartLine: 3, Earlier: true},
	}
	report := strings.Join(DeadlockReport(main, others, locks), "\n")
	for _, want := range []string{
		"goroutine 1 [semacquire]: the cell's own code, waits for a WaitGroup or Cond at cell line 14",
		"goroutine 7 [sync.Mutex.Lock]: started at cell line 12, waits for mutex #1 (to.mu.Lock() in transfer, cell line 11)",
		"goroutine 9 [chan receive]: started at line 3 of an earlier cell",
		"The locks they wait for:",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("deadlock report lacks %q:\n%s", want, report)
		}
	}
	var many []Goroutine
	for id := 10; id < 110; id++ {
		many = append(many, Goroutine{ID: id, State: "sleep", StartLine: 4, WaitKind: "send", WaitLines: []int{5}})
	}
	leaks := LeakReport(many)
	if want := "100 goroutines [sleep]: started at cell line 4, sends on a channel at cell line 5"; !strings.Contains(leaks, want) {
		t.Errorf("leak report lacks %q:\n%s", want, leaks)
	}
}

func ExampleChildLoaded() {
	fmt.Println(ChildLoaded([]string{"v"}, nil, []string{"var data", "var _", "func size"}))
	fmt.Printf("%q\n", ChildLoaded(nil, nil, []string{"var _"}))
	// Output:
	// golab: in this process, these start at their zero values (their initializers call code, which ran in the notebook): v; these did not load: var data, func size.
	// ""
}

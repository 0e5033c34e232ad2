package worker

import (
	"os"
	"testing"

	"github.com/golab-notebooks/golab/kernel/interp/gobuild"
)

// wholeProgram is a small whole-program cell, as pasted from a tutorial.
const wholeProgram = `package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	results := make([]int, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = i * i
		}()
	}
	wg.Wait()
	fmt.Println(results)
}
`

// programWithHelpers imports golab's helpers, which build with gonum/plot.
const programWithHelpers = `package main

import (
	"fmt"
	"golab/race"
	"golab/timing"
)

func main() {
	seen := race.Histogram(3, func() int { return 1 })
	fmt.Println(seen != nil, timing.Amdahl(0.5, 2))
}
`

// BenchmarkWholeProgramCell measures what running a whole program compiled
// costs against interpreting it: "interpreted" is the interpreter's time,
// "compiled-warm" adds go build with a warm build cache (the usual case),
// "compiled-cold" with an empty one (a new Binder session without a
// pre-warmed cache). "helpers-warm" and "helpers-cold" are a program that
// imports golab's helpers (the charts build with gonum/plot). Compare the
// ns/op lines.
func BenchmarkWholeProgramCell(b *testing.B) {
	if goBin, _ := gobuild.Toolchain(); goBin == "" {
		b.Skip("no Go toolchain")
	}
	run := func(b *testing.B, program string, env map[string]string) {
		for k, v := range env {
			b.Setenv(k, v)
		}
		stdout, stderr := os.Stdout, os.Stderr
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		os.Stdout, os.Stderr = devnull, devnull
		defer func() { os.Stdout, os.Stderr = stdout, stderr; devnull.Close() }()
		w, err := New("benchtoken", discard{})
		if err != nil {
			b.Fatal(err)
		}
		w.frames.dst = discard{}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if env["GOCACHE"] != "" {
				b.StopTimer()
				b.Setenv("GOCACHE", b.TempDir())
				b.StartTimer()
			}
			if _, e := w.run(program); e != nil {
				b.Fatal(e.Value)
			}
		}
	}
	b.Run("interpreted", func(b *testing.B) { run(b, wholeProgram, map[string]string{WholeProgramsEnv: "interpret"}) })
	b.Run("compiled-warm", func(b *testing.B) { run(b, wholeProgram, nil) })
	b.Run("compiled-cold", func(b *testing.B) { run(b, wholeProgram, map[string]string{"GOCACHE": "cold"}) })
	HelperModule = os.DirFS("../../..") // the repository, as the golab binary embeds it
	defer func() { HelperModule = nil }()
	b.Run("helpers-warm", func(b *testing.B) { run(b, programWithHelpers, nil) })
	b.Run("helpers-cold", func(b *testing.B) { run(b, programWithHelpers, map[string]string{"GOCACHE": "cold"}) })
}

package outlet

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/golab-notebooks/golab/internal/inherited"
)

// ProgramEnv names the environment variable with which the worker hands a
// compiled program (a whole-program cell built by the Go toolchain) its
// door to the notebook: two file descriptors, "3,4", the first for the
// program's outputs and the second for the worker's acknowledgements.
const ProgramEnv = "GOLAB_OUTLET_FDS"

// In a compiled program started by the worker, outputs travel over the
// descriptors of ProgramEnv, one JSON line each. Publish waits for the
// worker's one-byte answer, so that what the program printed before an
// output is shown before it, and what it prints after, after it.
func init() {
	spec := os.Getenv(ProgramEnv)
	if spec == "" {
		return
	}
	_ = os.Unsetenv(ProgramEnv) // not for the processes the program starts
	outFD, ackFD, ok := strings.Cut(spec, ",")
	o, err1 := strconv.Atoi(outFD)
	a, err2 := strconv.Atoi(ackFD)
	if !ok || err1 != nil || err2 != nil {
		fmt.Fprintf(os.Stderr, "golab: %s=%q is not two file descriptors; rich output is printed as text\n", ProgramEnv, spec)
		return
	}
	outFile, err1 := inherited.File(o, "golab-outputs")
	ackFile, err2 := inherited.File(a, "golab-acks")
	if err1 != nil || err2 != nil {
		fmt.Fprintf(os.Stderr, "golab: %v; rich output is printed as text\n", errors.Join(err1, err2))
		return
	}
	out := outFile
	ack := bufio.NewReader(ackFile)
	enc := json.NewEncoder(out)
	target = func(op Output) {
		mu.Lock() // one output at a time: the answers come in order
		defer mu.Unlock()
		if enc.Encode(op) != nil {
			return // the worker is gone; so is the notebook
		}
		_, _ = ack.ReadByte()
	}
}

// Serve reads the outputs of a compiled program from r until the program
// closes it, hands each to deliver, and then answers on ack. The worker
// runs it while the program runs.
func Serve(r io.Reader, ack io.Writer, deliver func(Output)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 256*1024*1024)
	for sc.Scan() {
		var o Output
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			return fmt.Errorf("decode an output of the program: %w", err)
		}
		deliver(o)
		if _, err := ack.Write([]byte{1}); err != nil {
			return fmt.Errorf("answer the program: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read the program's outputs: %w", err)
	}
	return nil
}

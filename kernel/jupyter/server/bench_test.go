package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/golab-notebooks/golab/kernel/interp/worker"
	"github.com/golab-notebooks/golab/kernel/jupyter/wire"
)

// TestMain lets the test binary play the kernel and its worker, so the
// benchmarks start a real kernel process over real sockets.
func TestMain(m *testing.M) {
	worker.ServeIfTestWorker()
	if os.Getenv("GOLAB_TEST_KERNEL") != "" {
		exe, _ := os.Executable()
		os.Setenv(worker.TestWorkerEnv, "1")
		cfg := Config{ConnectionFile: os.Getenv("GOLAB_TEST_KERNEL")}
		cfg.Worker.Command = []string{exe}
		if err := Run(context.Background(), cfg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// client is a minimal Jupyter client for benchmarks: a DEALER on shell.
type client struct {
	sess  *wire.Session
	shell zmq4.Socket
	cmd   *exec.Cmd
	// exited is closed once the kernel process has ended.
	exited chan struct{}
	// info is the kernel_info_reply that proved the kernel answers.
	info *wire.Message
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startKernel starts a kernel process, connects to its shell socket and
// waits for its kernel_info_reply.
// The ports come from freePort, so another test process on the machine can
// take one before the kernel binds it (go test runs packages in parallel):
// the kernel then exits, or the dial reaches someone else's socket. Such a
// start is retried on fresh ports; the kernel's stderr says why it failed.
func startKernel(t testing.TB) *client {
	const attempts = 5
	var failures []error
	for i := 0; i < attempts; i++ {
		c, err := tryStartKernel(t)
		if err == nil {
			return c
		}
		t.Logf("kernel start attempt %d failed, retrying on fresh ports: %v", i+1, err)
		failures = append(failures, err)
	}
	t.Fatalf("no kernel started in %d attempts: %v", attempts, errors.Join(failures...))
	return nil
}

// tryStartKernel makes one attempt for startKernel. Each attempt has its
// own key, so a reply from another test's kernel fails its signature check
// instead of passing as ours.
func tryStartKernel(t testing.TB) (*client, error) {
	info := wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256",
		Key:       fmt.Sprintf("bench-key-%d-%d", os.Getpid(), time.Now().UnixNano()),
		ShellPort: freePort(t), IOPubPort: freePort(t), StdinPort: freePort(t), ControlPort: freePort(t), HBPort: freePort(t)}
	raw, _ := json.Marshal(info)
	path := filepath.Join(t.TempDir(), "connection.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "GOLAB_TEST_KERNEL="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	fail := func(err error) (*client, error) {
		_ = cmd.Process.Kill()
		<-exited
		return nil, fmt.Errorf("%w (kernel stderr: %q)", err, stderr.String())
	}
	sess, _ := wire.NewSession(info.SignatureScheme, info.Key, "bench")
	if err := waitListening(fmt.Sprintf("127.0.0.1:%d", info.ShellPort), exited); err != nil {
		return fail(err)
	}
	shell := zmq4.NewDealer(context.Background(), zmq4.WithDialerRetry(5*time.Millisecond), zmq4.WithDialerMaxRetries(2000))
	err := shell.Dial(info.Endpoint(info.ShellPort))
	if err != nil {
		_ = shell.Close()
		return fail(fmt.Errorf("dial shell: %w", err))
	}
	c := &client{sess: sess, shell: shell, cmd: cmd, exited: exited}
	c.info, err = c.exchange("kernel_info_request", map[string]any{})
	if err != nil {
		_ = shell.Close()
		return fail(err)
	}
	return c, nil
}

// waitListening waits until the kernel listens on addr. Dialing a port
// nobody listens on yet, with retries, can connect the socket to itself
// (TCP simultaneous open, when the kernel picks the same ephemeral port),
// which broke the ZMTP greeting now and then.
func waitListening(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			self := c.LocalAddr().String() == c.RemoteAddr().String()
			_ = c.Close()
			if !self {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("the kernel exited before listening on %s", addr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	return fmt.Errorf("the kernel did not listen on %s within 10s", addr)
}

func (c *client) close() {
	_ = c.shell.Close()
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// request sends a shell request and waits for its reply.
func (c *client) request(t testing.TB, msgType string, content any) *wire.Message {
	reply, err := c.exchange(msgType, content)
	if err != nil {
		t.Fatal(err)
	}
	return reply
}

// exchange sends a shell request and waits for its reply, or for the
// kernel to exit.
func (c *client) exchange(msgType string, content any) (*wire.Message, error) {
	m, _ := c.sess.New(msgType, nil, content)
	frames, _ := c.sess.Encode(m)
	if err := c.shell.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return nil, fmt.Errorf("send %s: %w", msgType, err)
	}
	type result struct {
		reply *wire.Message
		err   error
	}
	got := make(chan result, 1)
	go func() {
		for {
			raw, err := c.shell.Recv()
			if err != nil {
				got <- result{err: fmt.Errorf("receive the %s reply: %w", msgType, err)}
				return
			}
			reply, err := c.sess.Decode(raw.Frames)
			if err != nil {
				got <- result{err: fmt.Errorf("decode the %s reply: %w", msgType, err)}
				return
			}
			if reply.ParentHeader.MsgID == m.Header.MsgID {
				got <- result{reply: reply}
				return
			}
		}
	}()
	select {
	case r := <-got:
		return r.reply, r.err
	case <-c.exited:
		return nil, fmt.Errorf("the kernel exited before its %s reply", msgType)
	}
}

// BenchmarkStartToKernelInfo measures a kernel process's start until its
// first kernel_info_reply: what a learner waits for when a notebook opens.
func BenchmarkStartToKernelInfo(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c := startKernel(b)
		if c.info.Header.MsgType != "kernel_info_reply" {
			b.Fatalf("got %s", c.info.Header.MsgType)
		}
		b.StopTimer()
		c.close()
		b.StartTimer()
	}
}

// BenchmarkTrivialCell measures one execute_request round trip of "1 + 1".
func BenchmarkTrivialCell(b *testing.B) {
	c := startKernel(b)
	defer c.close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reply := c.request(b, "execute_request", map[string]any{"code": "1 + 1", "silent": false})
		var content struct{ Status string }
		if err := reply.DecodeContent(&content); err != nil || content.Status != "ok" {
			b.Fatalf("reply %s: %v", reply.Content, err)
		}
	}
}

// TestKernelAnswersOverRealSockets is the benchmarks' harness run once as
// a test, so it cannot rot unnoticed.
func TestKernelAnswersOverRealSockets(t *testing.T) {
	c := startKernel(t)
	defer c.close()
	reply := c.info
	var info struct {
		ProtocolVersion string `json:"protocol_version"`
		LanguageInfo    struct {
			Name, Mimetype string
		} `json:"language_info"`
	}
	if err := reply.DecodeContent(&info); err != nil {
		t.Fatal(err)
	}
	if info.ProtocolVersion != "5.3" || info.LanguageInfo.Name != "go" || info.LanguageInfo.Mimetype != "text/x-go" {
		t.Errorf("kernel_info_reply %s", reply.Content)
	}
	reply = c.request(t, "execute_request", map[string]any{"code": "21 * 2"})
	if string(reply.Content) == "" {
		t.Fatal("empty execute_reply")
	}
}

// BenchmarkCrashToNextCell measures what a learner waits for when a cell's
// goroutine panics: the crash cell's reply (the worker died, the kernel
// explained it and started a new worker) and then the next cell's answer.
// Issue 16 measured 43 ms.
func BenchmarkCrashToNextCell(b *testing.B) {
	c := startKernel(b)
	defer c.close()
	status := func(code string) string {
		reply := c.request(b, "execute_request", map[string]any{"code": code})
		var content struct{ Status string }
		if err := reply.DecodeContent(&content); err != nil {
			b.Fatal(err)
		}
		return content.Status
	}
	status(`import "time"`)
	b.ResetTimer()
	for b.Loop() {
		if got := status("go func() { panic(\"boom\") }()\ntime.Sleep(time.Minute)"); got != "error" {
			b.Fatalf("the crash cell ended %q", got)
		}
		if got := status("1 + 1"); got != "ok" {
			b.Fatalf("the cell after the crash ended %q", got)
		}
	}
}

// BenchmarkIdleMemory starts a kernel, runs one cell, and reports the
// private memory (what the process alone holds, from /proc/PID/smaps_rollup)
// of the kernel and of its worker: what each open notebook costs a
// JupyterHub. Issue 16 measured 12 MiB for the kernel.
func BenchmarkIdleMemory(b *testing.B) {
	var kernel, worker float64
	for b.Loop() {
		c := startKernel(b)
		c.request(b, "execute_request", map[string]any{"code": "1 + 1"})
		pid := c.cmd.Process.Pid
		kernel += privateMiB(b, pid)
		children := childPIDs(b, pid)
		if len(children) != 1 {
			b.Fatalf("the kernel has %d child processes, want 1 worker", len(children))
		}
		worker += privateMiB(b, children[0])
		c.close()
	}
	b.ReportMetric(kernel/float64(b.N), "MiB-kernel")
	b.ReportMetric(worker/float64(b.N), "MiB-worker")
}

// privateMiB reads a process's private memory, clean and dirty, in MiB.
func privateMiB(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		b.Fatalf("read the memory of process %d: %v", pid, err)
	}
	var kB float64
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && (f[0] == "Private_Clean:" || f[0] == "Private_Dirty:") {
			n, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				b.Fatalf("process %d: %q: %v", pid, line, err)
			}
			kB += n
		}
	}
	return kB / 1024
}

// childPIDs lists a process's children (started by any of its threads).
func childPIDs(b *testing.B, pid int) []int {
	lists, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	if err != nil || len(lists) == 0 {
		b.Fatalf("list the threads of process %d: %v", pid, err)
	}
	var pids []int
	for _, list := range lists {
		raw, err := os.ReadFile(list)
		if err != nil {
			b.Fatalf("list the children of process %d: %v", pid, err)
		}
		for _, f := range strings.Fields(string(raw)) {
			child, err := strconv.Atoi(f)
			if err != nil {
				b.Fatalf("process %d's children %q: %v", pid, raw, err)
			}
			pids = append(pids, child)
		}
	}
	return pids
}

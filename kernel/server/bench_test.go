package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/golab-notebooks/golab/kernel/wire"
	"github.com/golab-notebooks/golab/kernel/worker"
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
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startKernel starts a kernel process and connects to its shell socket.
func startKernel(t testing.TB) *client {
	info := wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", SignatureScheme: "hmac-sha256", Key: "bench-key",
		ShellPort: freePort(t), IOPubPort: freePort(t), StdinPort: freePort(t), ControlPort: freePort(t), HBPort: freePort(t)}
	raw, _ := json.Marshal(info)
	path := filepath.Join(t.TempDir(), "connection.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "GOLAB_TEST_KERNEL="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sess, _ := wire.NewSession(info.SignatureScheme, info.Key, "bench")
	waitListening(t, fmt.Sprintf("127.0.0.1:%d", info.ShellPort))
	shell := zmq4.NewDealer(context.Background(), zmq4.WithDialerRetry(5*time.Millisecond), zmq4.WithDialerMaxRetries(2000))
	if err := shell.Dial(info.Endpoint(info.ShellPort)); err != nil {
		t.Fatal(err)
	}
	return &client{sess: sess, shell: shell, cmd: cmd}
}

// waitListening waits until the kernel listens on addr. Dialing a port
// nobody listens on yet, with retries, can connect the socket to itself
// (TCP simultaneous open, when the kernel picks the same ephemeral port),
// which broke the ZMTP greeting now and then.
func waitListening(t testing.TB, addr string) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			self := c.LocalAddr().String() == c.RemoteAddr().String()
			_ = c.Close()
			if !self {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the kernel did not listen on %s within 10s", addr)
}

func (c *client) close() {
	_ = c.shell.Close()
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
}

// request sends a shell request and waits for its reply.
func (c *client) request(t testing.TB, msgType string, content any) *wire.Message {
	m, _ := c.sess.New(msgType, nil, content)
	frames, _ := c.sess.Encode(m)
	if err := c.shell.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		t.Fatal(err)
	}
	for {
		raw, err := c.shell.Recv()
		if err != nil {
			t.Fatal(err)
		}
		reply, err := c.sess.Decode(raw.Frames)
		if err != nil {
			t.Fatal(err)
		}
		if reply.ParentHeader.MsgID == m.Header.MsgID {
			return reply
		}
	}
}

// BenchmarkStartToKernelInfo measures a kernel process's start until its
// first kernel_info_reply: what a learner waits for when a notebook opens.
func BenchmarkStartToKernelInfo(b *testing.B) {
	for i := 0; i < b.N; i++ {
		c := startKernel(b)
		reply := c.request(b, "kernel_info_request", map[string]any{})
		if reply.Header.MsgType != "kernel_info_reply" {
			b.Fatalf("got %s", reply.Header.MsgType)
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
	c.request(b, "kernel_info_request", map[string]any{})
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
	reply := c.request(t, "kernel_info_request", map[string]any{})
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

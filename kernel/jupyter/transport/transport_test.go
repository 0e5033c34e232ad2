package transport

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// frame encodes one ZMTP frame.
func frame(flags byte, body []byte) []byte {
	if len(body) > 255 {
		h := make([]byte, 9)
		h[0] = flags | flagLong
		binary.BigEndian.PutUint64(h[1:], uint64(len(body)))
		return append(h, body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

func greeting() []byte {
	g := make([]byte, greetingSize)
	g[0], g[9], g[10], g[11] = 0xff, 0x7f, 3, 0
	copy(g[12:], "NULL")
	return g
}

// ready is a READY command for a socket type.
func ready(socketType string) []byte {
	body := []byte("\x05READY")
	body = append(body, byte(len("Socket-Type")))
	body = append(body, "Socket-Type"...)
	body = binary.BigEndian.AppendUint32(body, uint32(len(socketType)))
	body = append(body, socketType...)
	return frame(flagCommand, body)
}

func TestFramerFindsFramesInAnyPieces(t *testing.T) {
	stream := greeting()
	stream = append(stream, ready("DEALER")...)
	stream = append(stream, frame(flagMore, []byte("id"))...)
	stream = append(stream, frame(flagMore, nil)...)
	stream = append(stream, frame(0, bytes.Repeat([]byte("x"), 300))...)
	stream = append(stream, frame(0, []byte("second message"))...)
	want := "command 28|data first more 2|data more 0|data 300|data first 14|"
	for _, piece := range []int{1, 2, 7, 64, 1000} {
		t.Run(fmt.Sprint(piece), func(t *testing.T) {
			f := newFramer()
			var got strings.Builder
			var kept []byte
			for i := 0; i < len(stream); i += piece {
				end := min(i+piece, len(stream))
				err := f.feed(stream[i:end], func(h frameHeader) (bool, error) {
					switch {
					case h.command:
						got.WriteString("command")
					default:
						got.WriteString("data")
						if h.first {
							got.WriteString(" first")
						}
						if h.more {
							got.WriteString(" more")
						}
					}
					fmt.Fprintf(&got, " %d|", h.size)
					return true, nil
				}, func(b []byte) { kept = append(kept, b...) })
				if err != nil {
					t.Fatal(err)
				}
			}
			if got.String() != want {
				t.Errorf("frames %q, want %q", got.String(), want)
			}
			if !bytes.Equal(kept, stream) {
				t.Errorf("kept %d bytes, want the %d of the stream unchanged", len(kept), len(stream))
			}
		})
	}
}

func TestFramerDropsWholeMessages(t *testing.T) {
	stream := append(greeting(), frame(flagMore, []byte("a1"))...)
	stream = append(stream, frame(0, []byte("a2"))...)
	stream = append(stream, frame(flagMore, []byte("b1"))...)
	stream = append(stream, frame(0, []byte("b2"))...)
	stream = append(stream, frame(flagCommand, []byte("\x04PING"))...)
	f := newFramer()
	n := 0
	var kept []byte
	err := f.feed(stream, func(h frameHeader) (bool, error) {
		if h.first {
			n++
		}
		return h.command || n != 1, nil // drop the first message, keep the rest
	}, func(b []byte) { kept = append(kept, b...) })
	if err != nil {
		t.Fatal(err)
	}
	want := append(greeting(), frame(flagMore, []byte("b1"))...)
	want = append(want, frame(0, []byte("b2"))...)
	want = append(want, frame(flagCommand, []byte("\x04PING"))...)
	if !bytes.Equal(kept, want) {
		t.Errorf("kept %q\nwant %q", kept, want)
	}
}

func listen(t *testing.T, sock zmq4.Socket) string {
	t.Helper()
	if err := sock.Listen(Endpoint("tcp://127.0.0.1:0")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sock.Close() })
	return sock.Addr().String()
}

func quietLimits(l Limits) Limits {
	l.Log = log.New(io.Discard, "", 0)
	return l
}

// A client that announces a huge frame loses its connection before the
// kernel allocates anything for it; the socket serves the next client.
// (Without the guard zmq4 makes a slice of the announced size: 1 TiB here.)
func TestOversizedFrameClosesTheConnection(t *testing.T) {
	if err := Register(quietLimits(Limits{MaxMessage: 1 << 20})); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	router := zmq4.NewRouter(ctx)
	addr := listen(t, router)

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	bad, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	hdr := make([]byte, 9)
	hdr[0] = flagLong
	binary.BigEndian.PutUint64(hdr[1:], 1<<40)
	msg := append(append(greeting(), ready("DEALER")...), hdr...)
	if _, err := bad.Write(append(msg, bytes.Repeat([]byte("x"), 4096)...)); err != nil {
		t.Fatal(err)
	}
	_ = bad.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, bad); err != nil && !strings.Contains(err.Error(), "reset by peer") {
		t.Fatalf("the connection of the client that sent a 1 TiB frame was not closed: %v", err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("the kernel allocated %d MiB for a refused message", grew>>20)
	}

	good := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("good")))
	defer good.Close()
	if err := good.Dial("tcp://" + addr); err != nil {
		t.Fatal(err)
	}
	if err := good.Send(zmq4.NewMsgString("hello")); err != nil {
		t.Fatal(err)
	}
	got, err := router.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Frames[0]) != "good" || string(got.Frames[1]) != "hello" {
		t.Errorf("router got %q, want the good client's hello", got.Frames)
	}
}

// A client that connects and says nothing does not keep others out.
func TestSilentClientDoesNotBlockOthers(t *testing.T) {
	if err := Register(quietLimits(Limits{Handshake: 30 * time.Second})); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	router := zmq4.NewRouter(ctx)
	addr := listen(t, router)
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	time.Sleep(50 * time.Millisecond)

	good := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("good")))
	defer good.Close()
	if err := good.Dial("tcp://" + addr); err != nil {
		t.Fatal(err)
	}
	if err := good.Send(zmq4.NewMsgString("hello")); err != nil {
		t.Fatal(err)
	}
	got := make(chan zmq4.Msg, 1)
	go func() {
		m, _ := router.Recv()
		got <- m
	}()
	select {
	case m := <-got:
		if string(m.Frames[1]) != "hello" {
			t.Errorf("got %q", m.Frames)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a silent connection kept a second client from being served for 5 s")
	}
}

// An iopub subscriber that never reads costs the others nothing: they get
// every message, and publishing does not wait.
func TestStalledSubscriberDoesNotStallOthers(t *testing.T) {
	if err := Register(quietLimits(Limits{MaxPending: 4 << 20})); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pub := zmq4.NewPub(ctx)
	addr := listen(t, pub)

	stalled, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	hello := append(greeting(), ready("SUB")...)
	if _, err := stalled.Write(append(hello, frame(0, []byte{1})...)); err != nil { // subscribe to all
		t.Fatal(err)
	}

	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	if err := sub.Dial("tcp://" + addr); err != nil {
		t.Fatal(err)
	}
	if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // let both subscriptions arrive

	// Publish 20 MB, far beyond socket buffers, at the pace of the reading
	// subscriber (as a cell's output is paced by the cell).
	const n, ahead = 2000, 50
	body := bytes.Repeat([]byte("y"), 10<<10)
	var count atomic.Int64
	go func() {
		for count.Load() < n {
			if _, err := sub.Recv(); err != nil {
				return
			}
			count.Add(1)
		}
	}()
	for i := 0; i < n; i++ {
		if err := pub.SendMulti(zmq4.NewMsgFrom([]byte("topic"), body)); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); int64(i)-count.Load() > ahead; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the reading subscriber got %d of %d messages, then nothing for 5 s, while another subscriber stalled", count.Load(), i+1)
			}
		}
	}
	if Dropped() == 0 {
		t.Error("no message to the stalled subscriber was dropped")
	}
}

package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestReadConnectionFile(t *testing.T) {
	tests := []struct {
		file     string
		endpoint string // Endpoint(ShellPort), when the file is valid
		errPart  string
	}{
		{file: "tcp.json", endpoint: "tcp://127.0.0.1:50001"},
		{file: "ipc.json", endpoint: "ipc:///tmp/golab-kernel-1"},
		{file: "missing.json", errPart: "read connection file"},
		{file: "broken.json", errPart: "not valid JSON"},
		{file: "whirlpool.json", errPart: "signature scheme"},
		{file: "zeroport.json", errPart: "shell_port is 0"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := ReadConnectionFile("testdata/" + tt.file)
			if tt.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("error %v, want one containing %q", err, tt.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Endpoint(c.ShellPort); got != tt.endpoint {
				t.Errorf("Endpoint = %q, want %q", got, tt.endpoint)
			}
		})
	}
}

const testKey = "a0436f6c-1916-498b-8eb9-e81ab9368e84"

// handFrames builds a message's frames by hand, signed independently of
// the code under test.
func handFrames(key string, header, parent, metadata, content string) [][]byte {
	mac := hmac.New(sha256.New, []byte(key))
	for _, p := range []string{header, parent, metadata, content} {
		mac.Write([]byte(p))
	}
	sig := hex.EncodeToString(mac.Sum(nil))
	return [][]byte{[]byte("client-id"), []byte("<IDS|MSG>"), []byte(sig), []byte(header), []byte(parent), []byte(metadata), []byte(content)}
}

const handHeader = `{"msg_id":"m1","session":"s1","username":"u","date":"2026-11-24T10:00:00.000000Z","msg_type":"execute_request","version":"5.3"}`

func TestDecodeHandMadeMessage(t *testing.T) {
	s, err := NewSession("hmac-sha256", testKey, "kernel")
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Decode(handFrames(testKey, handHeader, "{}", "{}", `{"code":"1+1"}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.MsgType != "execute_request" || string(m.Identities[0]) != "client-id" {
		t.Errorf("decoded %+v", m)
	}
	var c struct{ Code string }
	if err := m.DecodeContent(&c); err != nil || c.Code != "1+1" {
		t.Errorf("content %q, %v", c.Code, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	s, _ := NewSession("hmac-sha256", testKey, "kernel")
	good := handFrames(testKey, handHeader, "{}", "{}", "{}")
	tampered := handFrames(testKey, handHeader, "{}", "{}", "{}")
	tampered[6] = []byte(`{"code":"evil"}`)
	noSig := handFrames(testKey, handHeader, "{}", "{}", "{}")
	noSig[2] = []byte("")
	tests := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"tampered content", tampered, ErrBadSignature},
		{"wrong key", handFrames("other key", handHeader, "{}", "{}", "{}"), ErrBadSignature},
		{"missing signature", noSig, ErrBadSignature},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, ErrNoDelimiter},
		{"too few frames", good[:5], ErrTooFewFrames},
		{"empty", nil, ErrNoDelimiter},
		{"bad header", handFrames(testKey, "{", "{}", "{}", "{}"), ErrMalformedJSON},
		{"header without type", handFrames(testKey, `{"msg_id":"x"}`, "{}", "{}", "{}"), ErrMalformedJSON},
		{"bad parent", handFrames(testKey, handHeader, "[", "{}", "{}"), ErrMalformedJSON},
		{"bad metadata", handFrames(testKey, handHeader, "{}", "nope", "{}"), ErrMalformedJSON},
		{"bad content", handFrames(testKey, handHeader, "{}", "{}", `{"a":`), ErrMalformedJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Decode(tt.frames)
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	s, _ := NewSession("hmac-sha256", testKey, "kernel")
	parent, err := s.Decode(handFrames(testKey, handHeader, "{}", "{}", "{}"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.New("stream", parent, map[string]string{"name": "stdout", "text": "hi\n"})
	if err != nil {
		t.Fatal(err)
	}
	m.Buffers = [][]byte{{1, 2, 3}}
	frames, err := s.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	back, err := s.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if back.Header != m.Header || back.ParentHeader.MsgID != "m1" || string(back.Identities[0]) != "client-id" {
		t.Errorf("round trip changed the message: %+v", back)
	}
	if len(back.Buffers) != 1 || string(back.Buffers[0]) != "\x01\x02\x03" {
		t.Errorf("buffers %v", back.Buffers)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`).MatchString(m.Header.Date) {
		t.Errorf("date %q", m.Header.Date)
	}
}

func TestUnsignedSession(t *testing.T) {
	s, err := NewSession("", "", "kernel")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.New("status", nil, map[string]string{"execution_state": "idle"})
	frames, _ := s.Encode(m)
	if len(frames[1]) != 0 {
		t.Errorf("signature %q, want empty without a key", frames[1])
	}
	if string(frames[3]) != "{}" {
		t.Errorf("parent header %q, want {}", frames[3])
	}
}

func TestIDsAreUnique(t *testing.T) {
	s, _ := NewSession("hmac-sha256", testKey, "kernel")
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		m, _ := s.New("status", nil, nil)
		if seen[m.Header.MsgID] {
			t.Fatalf("msg_id %s repeated", m.Header.MsgID)
		}
		seen[m.Header.MsgID] = true
	}
}

// FuzzDecode checks that no input makes Decode panic, and that whatever it
// accepts survives a re-encode.
func FuzzDecode(f *testing.F) {
	join := func(frames [][]byte) []byte { return []byte(strings.Join(bytesToStrings(frames), "\x1f")) }
	f.Add(join(handFrames(testKey, handHeader, "{}", "{}", `{"code":"x"}`)))
	f.Add(join(handFrames(testKey, handHeader, "{}", "{}", `{"a":`)))
	f.Add(join(handFrames("wrong", handHeader, "{}", "{}", "{}")))
	f.Add([]byte("<IDS|MSG>"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _ := NewSession("hmac-sha256", testKey, "kernel")
		var frames [][]byte
		for _, part := range strings.Split(string(data), "\x1f") {
			frames = append(frames, []byte(part))
		}
		m, err := s.Decode(frames)
		if err != nil {
			return
		}
		again, err := s.Encode(m)
		if err != nil {
			t.Fatalf("accepted message does not re-encode: %v", err)
		}
		back, err := s.Decode(again)
		if err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		if back.Header != m.Header {
			t.Fatalf("header changed: %+v vs %+v", back.Header, m.Header)
		}
	})
}

func bytesToStrings(frames [][]byte) []string {
	out := make([]string, len(frames))
	for i, f := range frames {
		out[i] = string(f)
	}
	return out
}

func ExampleSession_New() {
	s, _ := NewSession("hmac-sha256", "secret", "kernel")
	msg, _ := s.New("status", nil, map[string]string{"execution_state": "idle"})
	frames, _ := s.Encode(msg)
	// delimiter, signature, header, parent header, metadata, content
	fmt.Println(len(frames), string(frames[0]))
	// Output: 6 <IDS|MSG>
}

// Package wire is the Jupyter messaging protocol's wire layer (version
// 5.3): connection files, messages, and their signed multipart frames.
package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"os"
	"sync"
	"time"
)

// ProtocolVersion is the messaging protocol version golab speaks.
const ProtocolVersion = "5.3"

// ConnectionInfo is the content of a Jupyter connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"` // "hmac-sha256" (or another of SignatureSchemes), or "" with an empty key
	Key             string `json:"key"`
	KernelName      string `json:"kernel_name"`
}

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	var c ConnectionInfo
	raw, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read connection file: %w", err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("connection file %s is not valid JSON: %w", path, err)
	}
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	switch c.Transport {
	case "tcp":
		for name, p := range map[string]int{"shell_port": c.ShellPort, "iopub_port": c.IOPubPort, "stdin_port": c.StdinPort, "control_port": c.ControlPort, "hb_port": c.HBPort} {
			if p <= 0 || p > 65535 {
				return c, fmt.Errorf("connection file %s: %s is %d, want a port number", path, name, p)
			}
		}
	case "ipc":
	default:
		return c, fmt.Errorf("connection file %s: transport %q, want tcp or ipc", path, c.Transport)
	}
	if c.IP == "" {
		return c, fmt.Errorf("connection file %s: no ip", path)
	}
	if c.Key != "" {
		if _, err := hashFor(c.SignatureScheme); err != nil {
			return c, fmt.Errorf("connection file %s: %w", path, err)
		}
	}
	return c, nil
}

// signatureHashes are the HMAC schemes a connection file may name, as
// jupyter_client writes them ("hmac-" and a hashlib name); hmac-sha256 is
// its default.
var signatureHashes = map[string]func() hash.Hash{
	"hmac-sha256": sha256.New,
	"hmac-sha224": sha256.New224,
	"hmac-sha384": sha512.New384,
	"hmac-sha512": sha512.New,
	"hmac-sha1":   sha1.New,
	"hmac-md5":    md5.New,
}

// hashFor returns the hash of a signature scheme, or an error naming the
// schemes golab accepts.
func hashFor(scheme string) (func() hash.Hash, error) {
	if h, ok := signatureHashes[scheme]; ok {
		return h, nil
	}
	return nil, fmt.Errorf("signature scheme %q: golab supports hmac-sha256, hmac-sha224, hmac-sha384, hmac-sha512, hmac-sha1 and hmac-md5", scheme)
}

// Endpoint is the ZeroMQ address of one of the kernel's ports.
func (c ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", c.IP, port)
	}
	return fmt.Sprintf("%s://%s:%d", c.Transport, c.IP, port)
}

// Header is a message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one decoded Jupyter message.
type Message struct {
	Identities   [][]byte // ZeroMQ routing prefix, before "<IDS|MSG>"
	Header       Header
	ParentHeader Header // the zero Header encodes as {}
	Metadata     map[string]any
	Content      json.RawMessage
	Buffers      [][]byte
}

// AsParent returns what replies and outputs need of m as their parent: its
// header and routing identities, without its content. A cell's output
// sinks outlive the cell (goroutines it left print later), so they keep
// this, not the request with the cell's whole code.
func (m *Message) AsParent() *Message {
	return &Message{Identities: m.Identities, Header: m.Header}
}

// DecodeContent unmarshals the message content into v.
func (m *Message) DecodeContent(v any) error {
	content := m.Content
	if len(content) == 0 {
		content = []byte("{}")
	}
	if err := json.Unmarshal(content, v); err != nil {
		return fmt.Errorf("decode %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// Errors Decode wraps, so callers can tell what was wrong.
var (
	ErrNoDelimiter   = errors.New("no <IDS|MSG> delimiter")
	ErrTooFewFrames  = errors.New("too few frames")
	ErrBadSignature  = errors.New("bad signature")
	ErrMalformedJSON = errors.New("malformed JSON")
)

var delimiter = []byte("<IDS|MSG>")

// Session makes, signs and verifies messages for one kernel session.
type Session struct {
	id       string
	username string
	key      []byte

	mu  sync.Mutex
	mac hash.Hash // nil when messages are not signed
}

// NewSession makes a session with a new random id. An empty key means
// messages are not signed.
func NewSession(scheme, key, username string) (*Session, error) {
	s := &Session{id: newID(), username: username, key: []byte(key)}
	if key != "" {
		h, err := hashFor(scheme)
		if err != nil {
			return nil, err
		}
		s.mac = hmac.New(h, s.key)
	}
	return s, nil
}

// ID returns the session id put in every header.
func (s *Session) ID() string { return s.id }

// New makes a message. With a parent, it carries the parent's header and
// is routed to the parent's sender.
func (s *Session) New(msgType string, parent *Message, content any) (*Message, error) {
	raw, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encode %s content: %w", msgType, err)
	}
	m := &Message{
		Header: Header{
			MsgID: newID(), Session: s.id, Username: s.username, MsgType: msgType, Version: ProtocolVersion,
			Date: time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
		},
		Metadata: map[string]any{},
		Content:  raw,
	}
	if parent != nil {
		m.ParentHeader = parent.Header
		m.Identities = parent.Identities
	}
	return m, nil
}

// Encode returns the frames of a message, signed.
func (s *Session) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := []byte("{}")
	if m.ParentHeader != (Header{}) {
		if parent, err = json.Marshal(m.ParentHeader); err != nil {
			return nil, fmt.Errorf("encode parent header: %w", err)
		}
	}
	metadata := []byte("{}")
	if len(m.Metadata) > 0 {
		if metadata, err = json.Marshal(m.Metadata); err != nil {
			return nil, fmt.Errorf("encode metadata: %w", err)
		}
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.sign(header, parent, metadata, content), header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// Decode parses and verifies the frames of a received message. It never
// panics, whatever the frames hold.
func (s *Session) Decode(frames [][]byte) (*Message, error) {
	at := -1
	for i, f := range frames {
		if bytes.Equal(f, delimiter) {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("decode message of %d frames: %w", len(frames), ErrNoDelimiter)
	}
	rest := frames[at+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("decode message: %d frames after the delimiter, want at least 5: %w", len(rest), ErrTooFewFrames)
	}
	sig, header, parent, metadata, content := rest[0], rest[1], rest[2], rest[3], rest[4]
	if s.mac != nil {
		want := s.sign(header, parent, metadata, content)
		if !hmac.Equal(want, sig) {
			return nil, fmt.Errorf("decode message: signature does not match: %w", ErrBadSignature)
		}
	}
	m := &Message{Identities: append([][]byte(nil), frames[:at]...), Content: append(json.RawMessage(nil), content...)}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("decode header: %v: %w", err, ErrMalformedJSON)
	}
	if m.Header.MsgType == "" || m.Header.MsgID == "" {
		return nil, fmt.Errorf("decode header: msg_type and msg_id are required: %w", ErrMalformedJSON)
	}
	if err := json.Unmarshal(parent, &m.ParentHeader); err != nil {
		return nil, fmt.Errorf("decode parent header of %s: %v: %w", m.Header.MsgType, err, ErrMalformedJSON)
	}
	if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
		return nil, fmt.Errorf("decode metadata of %s: %v: %w", m.Header.MsgType, err, ErrMalformedJSON)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(content, &probe); err != nil {
		return nil, fmt.Errorf("decode content of %s: %v: %w", m.Header.MsgType, err, ErrMalformedJSON)
	}
	if len(rest) > 5 {
		m.Buffers = append([][]byte(nil), rest[5:]...)
	}
	return m, nil
}

// sign returns the hex HMAC of the four signed parts, or "" without a key.
func (s *Session) sign(parts ...[]byte) []byte {
	if s.mac == nil {
		return []byte{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mac.Reset()
	for _, p := range parts {
		s.mac.Write(p)
	}
	sum := s.mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// newID returns a random UUID (version 4) string.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Errorf("wire: no randomness for a message id: %w", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

package proc

// Conn is one end of a pipe made by NewPipe: what one end sends, the other
// receives, in order, as with Python's multiprocessing.Pipe. Pass an end
// to a child process as an argument of Start.
type Conn struct {
	Out *Queue // values this end sends
	In  *Queue // values this end receives
}

// NewPipe makes a two-way pipe and returns its two ends.
func NewPipe() (*Conn, *Conn, error) {
	ab, err := NewQueue()
	if err != nil {
		return nil, nil, err
	}
	ba, err := NewQueue()
	if err != nil {
		return nil, nil, err
	}
	return &Conn{Out: ab, In: ba}, &Conn{Out: ba, In: ab}, nil
}

// Send sends v to the other end.
func (c *Conn) Send(v any) { c.Out.Put(v) }

// Recv receives the next value the other end sent, waiting for it; ok is
// false once the other end has closed and everything it sent was received.
func (c *Conn) Recv() (v any, ok bool) { return c.In.Get() }

// Close says this end will send nothing more.
func (c *Conn) Close() { c.Out.Close() }

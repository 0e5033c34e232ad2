// Package display shows rich output from a notebook cell: HTML, Markdown,
// SVG, PNG, JSON, and outputs that update in place while goroutines run.
//
// In a golab notebook, import it as "golab/display":
//
//	import "golab/display"
//
//	display.HTML("<b>ready</b>")
//	bar := display.New("starting…")
//	bar.Update("50% done")
//
// Outside a notebook (a compiled program), every function prints a plain
// text form to standard output instead, so lesson code keeps working when
// it leaves the notebook.
package display

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"github.com/golab-notebooks/golab/internal/outlet"
)

// Bundle maps MIME types to content, as a Jupyter display_data message
// carries it: "text/plain" should always be present as the fallback.
type Bundle map[string]any

// Show displays a bundle of representations of one value; the front end
// picks the richest one it can render.
func Show(b Bundle) {
	publish(outlet.Output{Kind: "display", Data: b}, b)
}

// ShowWithMetadata is Show with output metadata, which front ends keep with
// the output in the notebook file (tools read it; learners do not see it).
func ShowWithMetadata(b Bundle, metadata map[string]any) {
	publish(outlet.Output{Kind: "display", Data: b, Metadata: metadata}, b)
}

// HTML displays an HTML fragment.
func HTML(html string) {
	Show(Bundle{"text/html": html, "text/plain": "[HTML]"})
}

// Markdown displays Markdown text.
func Markdown(md string) {
	Show(Bundle{"text/markdown": md, "text/plain": md})
}

// SVG displays an SVG image given as its XML source.
func SVG(svg string) {
	Show(Bundle{"image/svg+xml": svg, "text/plain": "[SVG image]"})
}

// PNG displays a PNG image given as its raw bytes.
func PNG(png []byte) {
	Show(Bundle{"image/png": base64.StdEncoding.EncodeToString(png), "text/plain": "[PNG image]"})
}

// JSON displays a value as a JSON tree. Values that cannot be encoded are
// shown as an error message instead.
func JSON(v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		Text(fmt.Sprintf("display.JSON: cannot encode %T: %v", v, err))
		return
	}
	var tree any
	_ = json.Unmarshal(raw, &tree) // raw came from json.Marshal: always valid
	Show(Bundle{"application/json": tree, "text/plain": string(raw)})
}

// Text displays plain text as an output of its own (not part of the
// cell's stdout stream).
func Text(s string) {
	Show(Bundle{"text/plain": s})
}

// Clear removes the cell's outputs. With wait set, the clearing happens
// when the next output arrives, which avoids flicker in animations.
func Clear(wait bool) {
	outlet.Publish(outlet.Output{Kind: "clear", Wait: wait})
}

// Handle is an output that can be replaced in place, for progress and live
// views of goroutines at work. Create one with New.
type Handle struct {
	id string
}

// New displays text as an updatable output and returns its handle.
func New(text string) *Handle {
	return NewBundle(Bundle{"text/plain": text})
}

// NewBundle displays a bundle as an updatable output and returns its handle.
func NewBundle(b Bundle) *Handle {
	h := &Handle{id: newID()}
	publish(outlet.Output{Kind: "display", Data: b, DisplayID: h.id}, b)
	return h
}

// Update replaces the output's content with text.
func (h *Handle) Update(text string) {
	h.UpdateBundle(Bundle{"text/plain": text})
}

// UpdateHTML replaces the output's content with an HTML fragment.
func (h *Handle) UpdateHTML(html string) {
	h.UpdateBundle(Bundle{"text/html": html, "text/plain": "[HTML]"})
}

// UpdateBundle replaces the output's content with a bundle.
func (h *Handle) UpdateBundle(b Bundle) {
	publish(outlet.Output{Kind: "update", Data: b, DisplayID: h.id}, b)
}

// ID returns the display id Jupyter uses for this output.
func (h *Handle) ID() string { return h.id }

func publish(o outlet.Output, b Bundle) {
	if outlet.Publish(o) {
		return
	}
	if text, ok := b["text/plain"].(string); ok {
		fmt.Fprintln(os.Stdout, text)
	}
}

func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Errorf("display: no randomness for a display id: %w", err))
	}
	return hex.EncodeToString(b[:])
}

package runner

import (
	"reflect"
	"testing"

	"github.com/golab-notebooks/golab/kernel/protocol"
	"github.com/golab-notebooks/golab/kernel/teach/notebook"
)

func TestRecorder(t *testing.T) {
	type event struct {
		stream, text string
		out          *protocol.Output
	}
	display := func(id, text string) *protocol.Output {
		return &protocol.Output{Kind: "display", DisplayID: id, Data: map[string]any{"text/plain": text}}
	}
	tests := []struct {
		name   string
		events []event
		want   []string // output_type:content
	}{
		{"streams of one name merge", []event{{stream: "stdout", text: "a"}, {stream: "stdout", text: "b"}, {stream: "stderr", text: "c"}, {stream: "stdout", text: "d"}},
			[]string{"stream:ab", "stream:c", "stream:d"}},
		{"update replaces by display id", []event{{out: display("p", "0%")}, {stream: "stdout", text: "x"}, {out: &protocol.Output{Kind: "update", DisplayID: "p", Data: map[string]any{"text/plain": "100%"}}}},
			[]string{"display_data:100%", "stream:x"}},
		{"clear now", []event{{stream: "stdout", text: "old"}, {out: &protocol.Output{Kind: "clear"}}, {stream: "stdout", text: "new"}},
			[]string{"stream:new"}},
		{"clear at next output", []event{{stream: "stdout", text: "old"}, {out: &protocol.Output{Kind: "clear", Wait: true}}, {out: display("", "frame")}},
			[]string{"display_data:frame"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{byDisplayID: map[string][]outputRef{}, cell: &notebook.Cell{CellType: "code"}}
			sink := r.sink(r.cell)
			for _, e := range tt.events {
				if e.out != nil {
					sink.Display(*e.out)
				} else {
					sink.Stream(e.stream, e.text)
				}
			}
			var got []string
			for _, o := range r.cell.Outputs {
				switch o["output_type"] {
				case "stream":
					got = append(got, "stream:"+o["text"].(string))
				default:
					got = append(got, o["output_type"].(string)+":"+o["data"].(map[string]any)["text/plain"].(string))
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("outputs %v, want %v", got, tt.want)
			}
		})
	}
}

package outlet

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestServeDeliversEachOutputThenAnswers(t *testing.T) {
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	sent := []Output{
		{Kind: "display", Data: map[string]any{"text/html": "<b>x</b>", "text/plain": "[HTML]"}},
		{Kind: "display", DisplayID: "d1", Data: map[string]any{"text/plain": "0%"}},
		{Kind: "update", DisplayID: "d1", Data: map[string]any{"text/plain": "100%"}},
		{Kind: "clear", Wait: true},
	}
	for _, o := range sent {
		if err := enc.Encode(o); err != nil {
			t.Fatal(err)
		}
	}
	var acks bytes.Buffer
	var got []Output
	err := Serve(&in, &acks, func(o Output) {
		got = append(got, o)
		if acks.Len() != len(got)-1 {
			t.Errorf("output %d was answered before it was delivered", len(got))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sent) || acks.Len() != len(sent) {
		t.Fatalf("delivered %d, answered %d, of %d", len(got), acks.Len(), len(sent))
	}
	for i := range sent {
		if got[i].Kind != sent[i].Kind || got[i].DisplayID != sent[i].DisplayID || got[i].Wait != sent[i].Wait || got[i].Data["text/plain"] != sent[i].Data["text/plain"] {
			t.Errorf("output %d = %+v, want %+v", i, got[i], sent[i])
		}
	}
}

func TestServeRejectsWhatIsNotAnOutput(t *testing.T) {
	err := Serve(strings.NewReader("not json\n"), &bytes.Buffer{}, func(Output) { t.Error("delivered garbage") })
	if err == nil || !strings.Contains(err.Error(), "decode an output") {
		t.Errorf("err = %v", err)
	}
}

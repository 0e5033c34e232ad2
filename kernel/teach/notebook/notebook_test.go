package notebook

import (
	"encoding/json"
	"testing"
)

func TestSourceForms(t *testing.T) {
	for _, raw := range []string{`"a\nb"`, `["a\n", "b"]`} {
		var s Source
		if err := json.Unmarshal([]byte(raw), &s); err != nil || s != "a\nb" {
			t.Errorf("%s: %q, %v", raw, s, err)
		}
	}
	out, _ := json.Marshal(Source("a\nb\n"))
	if string(out) != `["a\n","b\n"]` {
		t.Errorf("marshal: %s", out)
	}
	var bad Source
	if err := json.Unmarshal([]byte(`42`), &bad); err == nil {
		t.Error("a number was accepted as cell source")
	}
}

func TestCellJSONHasTheRequiredFields(t *testing.T) {
	code, _ := json.Marshal(&Cell{CellType: "code", Source: "1"})
	md, _ := json.Marshal(&Cell{CellType: "markdown", Source: "# x"})
	var c, m map[string]any
	_ = json.Unmarshal(code, &c)
	_ = json.Unmarshal(md, &m)
	if _, ok := c["outputs"]; !ok {
		t.Error("code cell without outputs")
	}
	if _, ok := c["execution_count"]; !ok {
		t.Error("code cell without execution_count")
	}
	if _, ok := m["outputs"]; ok {
		t.Error("markdown cell with outputs")
	}
}

func TestCellExercise(t *testing.T) {
	cases := []struct{ name, meta, want string }{
		{"golab's metadata", `{"golab": {"exercise": "counter"}}`, "counter"},
		{"an answer cell nbgrader released", `{"nbgrader": {"grade_id": "limit-answer", "solution": true}}`, "limit"},
		{"an nbgrader test cell", `{"nbgrader": {"grade_id": "limit-test-1", "grade": true}}`, ""},
		{"no metadata", ``, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cell := &Cell{CellType: "code", Metadata: json.RawMessage(c.meta)}
			if got := cell.Exercise(); got != c.want {
				t.Errorf("Exercise() = %q, want %q", got, c.want)
			}
		})
	}
}

package helpers

import (
	"strings"
	"testing"
)

func TestDoc(t *testing.T) {
	tests := []struct {
		pkg, name string
		want      []string // substrings; none means no documentation
	}{
		{"race", "Histogram", []string{"func Histogram(runs int, f func() int) *Outcomes", "counts its results"}},
		{"race", "Model", []string{"type Model struct", "Methods:", "Explore"}},
		{"race", "Model.Replay", []string{"func (m *Model) Replay(schedule string) (*Trace, error)", "plays a schedule"}},
		{"race", "NewModel", []string{"returns an empty model"}},
		{"race", "Read", []string{"Read", "local = shared variable"}},
		{"timing", "NewVirtualClock", []string{"virtual clock"}},
		{"display", "HTML", []string{"func HTML(html string)"}},
		{"race", "NoSuchThing", nil},
		{"nosuchpackage", "X", nil},
		{"symbols", "Symbols", nil},
		{"../kernel", "X", nil},
	}
	for _, tt := range tests {
		got := Doc(tt.pkg, tt.name)
		if tt.want == nil {
			if got != "" {
				t.Errorf("Doc(%q, %q) = %q, want none", tt.pkg, tt.name, got)
			}
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Doc(%q, %q) lacks %q:\n%s", tt.pkg, tt.name, w, got)
			}
		}
	}
	if p := strings.Join(Packages(), " "); !strings.Contains(p, "race") || strings.Contains(p, "symbols") {
		t.Errorf("Packages() = %s", p)
	}
}

package server

import "testing"

func TestGlobContains(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          bool
	}{
		{"*", "anything\nat all", true},
		{"6 *", "6 * 7", true},
		{"6 *", "16 * 7", false},
		{"*Println*", "import \"fmt\"\nfmt.Println(1)", true},
		{"fmt*", "x := 1", false},
		{"*end", "the end", true},
		{"*end", "the end is near", false},
	}
	for _, tt := range tests {
		if got := globContains(tt.pattern, tt.text); got != tt.want {
			t.Errorf("globContains(%q, %q) = %v, want %v", tt.pattern, tt.text, got, tt.want)
		}
	}
}

func TestHelpQuery(t *testing.T) {
	tests := []struct {
		code, name string
		ok         bool
	}{
		{"?fmt.Println", "fmt.Println", true},
		{"fmt.Println?", "fmt.Println", true},
		{"??sync.WaitGroup", "sync.WaitGroup", true},
		{"x := a ? b", "", false},
		{"fmt.Println(1)", "", false},
	}
	for _, tt := range tests {
		name, ok := helpQuery(tt.code)
		if name != tt.name || ok != tt.ok {
			t.Errorf("helpQuery(%q) = %q, %v", tt.code, name, ok)
		}
	}
}

func TestCursorOffsets(t *testing.T) {
	code := "s := \"héllo\" // 😀\nfmt."
	for chars := 0; chars <= len([]rune(code)); chars++ {
		b := byteOffset(code, chars)
		if got := charOffset(code, b); got != chars {
			t.Fatalf("char %d -> byte %d -> char %d", chars, b, got)
		}
	}
	if byteOffset(code, 10_000) != len(code) || byteOffset(code, -3) != 0 {
		t.Error("out-of-range cursors are not clamped")
	}
}

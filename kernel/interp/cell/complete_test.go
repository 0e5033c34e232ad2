package cell

import "testing"

func TestCompleteness(t *testing.T) {
	tests := []struct {
		code, status string
	}{
		{"x := 1", "complete"},
		{"", "complete"},
		{"func f() {", "incomplete"},
		{"for i := 0; i < 3; i++ {\n\tfmt.Println(i)", "incomplete"},
		{"x := []int{1, 2,", "incomplete"},
		{"s := `raw", "incomplete"},
		{"y := 1 +", "incomplete"},
		{"x := )", "invalid"},
		{"}", "invalid"},
		{"s := \"abc", "invalid"},
		{"x++", "complete"},
		{"func f() {}\nf()", "complete"},
	}
	for _, tt := range tests {
		if got, _ := Completeness(tt.code); got != tt.status {
			t.Errorf("Completeness(%q) = %q, want %q", tt.code, got, tt.status)
		}
	}
}

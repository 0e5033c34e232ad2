package human

import (
	"testing"
	"time"
)

func TestRound(t *testing.T) {
	tests := []struct{ in, want time.Duration }{
		{1234567891, 1235 * time.Millisecond},
		{12345678, 12350 * time.Microsecond},
		{12345, 12350 * time.Nanosecond},
		{123, 123},
	}
	for _, tt := range tests {
		if got := Round(tt.in); got != tt.want {
			t.Errorf("Round(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

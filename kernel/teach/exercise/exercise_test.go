package exercise

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFormatThenParse(t *testing.T) {
	tests := []Test{
		{Name: "small", Body: "check.Equal(t, \"Count(1, 1)\", Count(1, 1), 1)\n"},
		{Name: "no race", Race: true, Runs: 3, Body: "Count(8, 100)\n"},
		{Name: `with "quotes"`, Runs: 50, Timeout: 5 * time.Second, Noise: true, Body: "x := 1\n_ = x\n"},
		{Name: "secret", Hidden: true, Runs: 3, Body: "check.True(t, Count(0, 5) == 0, \"no goroutines, no count\")\n"},
	}
	src := Format("counter", tests)
	if strings.Contains(src, "secret") || strings.Contains(src, "no goroutines") {
		t.Errorf("the hidden test is readable in the cell:\n%s", src)
	}
	if !IsCheckCell(src) {
		t.Error("IsCheckCell is false for a formatted cell")
	}
	name, got, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if name != "counter" || !reflect.DeepEqual(got, tests) {
		t.Errorf("parsed %q %+v\nwant %+v", name, got, tests)
	}
}

func TestParseErrorsAreClear(t *testing.T) {
	cases := []struct{ src, want string }{
		{"%check", "exercise's name"},
		{"%check counter\n", "no tests"},
		{"%check counter\nx := 1", "comes before the first"},
		{"%check counter\n//golab:test unquoted", "must be quoted"},
		{"%check counter\n//golab:test \"a\" runs=0", "positive number"},
		{"%check counter\n//golab:test \"a\" timeout=soon", "duration"},
		{"%check counter\n//golab:test \"a\" fast", "unknown option"},
		{"%check counter\n//golab:test \"a\"\n//golab:hidden !!!", "damaged"},
	}
	for _, c := range cases {
		if _, _, err := Parse(c.src); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q): %v, want an error mentioning %q", c.src, err, c.want)
		}
	}
}

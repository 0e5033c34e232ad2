package supervisor

import (
	"os"
	"strings"
	"testing"
)

func TestJournalKeepsAtMostItsBudgetInMemory(t *testing.T) {
	dir := t.TempDir()
	j := journal{dir: dir}
	big := strings.Repeat("a", 1<<20)
	var want []string
	for i := range 10 {
		code := "// " + big + string(rune('0'+i))
		want = append(want, code)
		j.add(declaredCell{replay: code}, i == 3, false)
	}
	if j.inMem > journalInMemory {
		t.Errorf("%d bytes in memory, budget %d", j.inMem, journalInMemory)
	}
	files, _ := os.ReadDir(dir)
	if len(files) == 0 {
		t.Fatal("no cell went to disk past the budget")
	}
	codes, failed, err := j.cells()
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != len(want) {
		t.Fatalf("%d cells back, want %d", len(codes), len(want))
	}
	for i := range want {
		if codes[i] != want[i] {
			t.Errorf("cell %d differs after the journal", i)
		}
	}
	if len(failed) != 1 || failed[0] != 3 {
		t.Errorf("failed = %v, want [3]", failed)
	}
	j.reset()
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("reset left %d files", len(files))
	}
	if codes, _, _ := j.cells(); len(codes) != 0 {
		t.Errorf("reset left %d cells", len(codes))
	}
}

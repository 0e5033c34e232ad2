package display

import (
	"strings"
	"sync"
	"testing"
)

func TestTableEscapesHTML(t *testing.T) {
	got := tableHTML([]string{"a<b"}, [][]string{{"<script>"}})
	if strings.Contains(got, "<script>") || !strings.Contains(got, "&lt;script&gt;") || !strings.Contains(got, "a&lt;b") {
		t.Errorf("table HTML not escaped: %s", got)
	}
}

func TestProgressFromManyGoroutines(t *testing.T) {
	p := NewProgress("work", 1000)
	var wg sync.WaitGroup
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				p.Add(1)
			}
		}()
	}
	wg.Wait()
	if p.Done() != 1000 {
		t.Errorf("done %d, want 1000", p.Done())
	}
	p.Add(5) // never past the total
	b := p.bundle()
	if text := b["text/plain"].(string); !strings.Contains(text, "1000/1000 (100%)") {
		t.Errorf("bar text %q", text)
	}
	if !strings.Contains(b["text/html"].(string), `<progress value="1000" max="1000"`) {
		t.Errorf("bar html %q", b["text/html"])
	}
}

package cell

import (
	"fmt"
	"testing"
)

func TestLockSites(t *testing.T) {
	tests := []struct {
		name, src string
		decls     bool
		want      string
		sites     []string // what LockSite was told, in order
	}{
		{"a function's locks", "func Transfer(from, to *Box) {\n\tfrom.mu.Lock()\n\tdefer from.mu.Unlock()\n\tto.mu.Lock()\n}", true,
			"func Transfer(from, to *Box) {\n\t__golab_sync.At(1); from.mu.Lock()\n\tdefer from.mu.Unlock()\n\t__golab_sync.At(2); to.mu.Lock()\n}",
			[]string{"2 Transfer from.mu.Lock()", "4 Transfer to.mu.Lock()"}},
		{"a method's read lock, in a literal", "func (c *Cache[K]) Get() { go func() { c.mu.RLock() }() }", true,
			"func (c *Cache[K]) Get() { __golab_goroutines.Go(1, func() { __golab_sync.At(1); c.mu.RLock() }) }",
			[]string{"1 Cache.Get c.mu.RLock()"}},
		{"a cell's statements, in a case", "mu.Lock()\nswitch {\ncase true:\n\tmu.Lock()\n}", false,
			"__golab_sync.At(1); mu.Lock()\n(func() { switch {\ncase true:\n\t__golab_sync.At(2); mu.Lock()\n} })()",
			[]string{"1  mu.Lock()", "4  mu.Lock()"}},
		{"not a statement of its own, or not a lock", "for mu.Lock(); ; mu.Lock() {}\nok := mu.TryLock()\nmu.Lock(x)\nf := func() { defer mu.Lock() }", false,
			"(func() { for mu.Lock(); ; mu.Lock() {} })()\nok := mu.TryLock()\nmu.Lock(x)\nf := func() { defer mu.Lock() }", nil},
	}
	for _, tt := range tests {
		var sites []string
		earlier := testContext{off: withoutSafePoints.off, lockSite: func(line int, fn, call string) int {
			sites = append(sites, fmt.Sprintf("%d %s %s", line, fn, call))
			return len(sites)
		}}
		var got string
		if tt.decls {
			got = RewriteDecls(tt.src, earlier).Source
		} else {
			got = RewriteStmts(tt.src, earlier).Source
		}
		if got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
		if fmt.Sprint(sites) != fmt.Sprint(tt.sites) {
			t.Errorf("%s: sites %q, want %q", tt.name, sites, tt.sites)
		}
	}
	// Without LockSite (a rewrite for another purpose) nothing is added.
	if got := RewriteStmts("mu.Lock()", nil).Source; got != "mu.Lock()" {
		t.Errorf("without LockSite: %q", got)
	}
}

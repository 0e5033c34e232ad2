package generics

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestOnceValueCallsOnceFromManyGoroutines(t *testing.T) {
	var calls atomic.Int32
	get := OnceValue(func() string { calls.Add(1); return "loaded" }).(func() string)
	pair := OnceValues(func() (int, error) { calls.Add(1); return 7, errors.New("e") }).(func() (int, error))
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v := get(); v != "loaded" {
				t.Errorf("got %q", v)
			}
			if n, err := pair(); n != 7 || err == nil {
				t.Errorf("got %d, %v", n, err)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 2 {
		t.Errorf("the functions ran %d times together, want 2", calls.Load())
	}
}

func TestOnceValueRepeatsThePanic(t *testing.T) {
	calls := 0
	get := OnceValue(func() int { calls++; panic("boom") }).(func() int)
	for range 2 {
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("recovered %v, want boom", r)
				}
			}()
			get()
		}()
	}
	if calls != 1 {
		t.Errorf("f ran %d times, want 1", calls)
	}
}

func TestOnceValueRefusesOtherFunctions(t *testing.T) {
	tests := []struct {
		name string
		call func()
	}{
		{"not a function", func() { OnceValue(3) }},
		{"takes an argument", func() { OnceValue(func(int) int { return 0 }) }},
		{"two results to OnceValue", func() { OnceValue(func() (int, error) { return 0, nil }) }},
		{"nil function", func() { OnceValues((func() (int, error))(nil)) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, "want a non-nil function") {
					t.Errorf("%s: recovered %v, want a clear message", tt.name, r)
				}
			}()
			tt.call()
		}()
	}
}

func TestSourcesNameThePackages(t *testing.T) {
	src := Sources()
	if len(src) != 3 || !strings.Contains(src[0], "package slices\n") || !strings.Contains(src[1], "package iter\n") ||
		!strings.Contains(src[2], "package "+Package+"\n") {
		t.Errorf("the sources do not declare packages slices, iter and %s", Package)
	}
}

func TestSourcesHideTheirTypeParameters(t *testing.T) {
	for _, src := range Sources() {
		file, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		generic := 0
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Type.TypeParams == nil {
				continue
			}
			generic++
			for _, f := range fd.Type.TypeParams.List {
				for _, n := range f.Names {
					if !strings.HasPrefix(n.Name, typeParamPrefix) {
						t.Errorf("%s has the type parameter %s, which a cell's type of that name replaces", fd.Name.Name, n.Name)
					}
				}
			}
		}
		if generic == 0 && src != IterSource() { // iter has generic types only, which a cell's types do not replace
			t.Errorf("a source without generic functions: %.60q", src)
		}
	}
}

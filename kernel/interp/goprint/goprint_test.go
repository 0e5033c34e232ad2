package goprint_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/golab-notebooks/golab/kernel/interp/goprint"
)

// interpret runs a whole program in yaegi with the printer installed, as
// the worker does, and returns what it printed and the notes it gave.
func interpret(t *testing.T, src string) (string, []string) {
	t.Helper()
	var out bytes.Buffer
	i := interp.New(interp.Options{Stdout: &out, Stderr: &out})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	var notes []string
	types := &goprint.Types{Note: func(s string) { notes = append(notes, s) }}
	if err := i.Use(types.Symbols(&out, &out)); err != nil {
		t.Fatal(err)
	}
	prog, err := i.Compile(src)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if err := types.Update(declarations(t, src), i.Eval); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Execute(prog); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	return out.String(), notes
}

// declarations are a program's type and method declarations, as the
// worker records them.
func declarations(t *testing.T, src string) []goprint.Declaration {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []goprint.Declaration
	for _, d := range f.Decls {
		text := src[fset.Position(d.Pos()).Offset:fset.Position(d.End()).Offset]
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				out = append(out, goprint.Declaration{Source: text, Name: "method"})
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					out = append(out, goprint.Declaration{Source: text, Name: ts.Name.Name})
				}
			}
		}
	}
	return out
}

func compiled(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("go", "run", path).CombinedOutput()
	if err != nil {
		t.Fatalf("go run %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// TestProgramsPrintAsCompiled runs each testdata program compiled and in
// the interpreter: lines must be identical, except those the interpreter
// cannot know, which must each come with a note. Addresses differ from
// run to run, so lines with one are compared up to it.
func TestProgramsPrintAsCompiled(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no Go toolchain")
	}
	paths, _ := filepath.Glob("testdata/*.go")
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(compiled(t, path), "\n")
			gotText, notes := interpret(t, string(src))
			got := strings.Split(gotText, "\n")
			if len(got) != len(want) {
				t.Fatalf("%d lines, want %d:\n%s\nwant\n%s", len(got), len(want), gotText, strings.Join(want, "\n"))
			}
			expected := unknowable(string(src))
			for i := range want {
				w, g := maskAddresses(want[i]), maskAddresses(got[i])
				if w == g {
					if expected[i] {
						t.Errorf("line %d is marked // golab:lost but matches: %q", i+1, g)
					}
					continue
				}
				if expected[i] && len(notes) > 0 {
					continue
				}
				t.Errorf("line %d:\n got %q\nwant %q", i+1, g, w)
			}
			if hasLost(expected) && len(notes) == 0 {
				t.Errorf("lines the interpreter cannot get right, and no note said so")
			}
		})
	}
}

// unknowable returns the output lines (0-based) of the program's Println
// and Printf statements marked "// golab:lost": the interpreter has lost
// the type they print, so it may differ, with a note.
func unknowable(src string) map[int]bool {
	lost := map[int]bool{}
	line := 0
	for _, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "fmt.Print") || strings.HasPrefix(t, "fmt.Fprint") {
			if strings.Contains(l, "// golab:lost") {
				lost[line] = true
			}
			line++
		}
	}
	return lost
}

func hasLost(m map[int]bool) bool { return len(m) > 0 }

func maskAddresses(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.HasPrefix(s[i:], "0x") {
			j := i + 2
			for j < len(s) && strings.IndexByte("0123456789abcdef", s[j]) >= 0 {
				j++
			}
			if j-i > 6 {
				b.WriteString("0xADDR")
				i = j - 1
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var _ = reflect.TypeOf

func TestTypeSource(t *testing.T) {
	var types goprint.Types
	tests := []struct {
		value any // a pointer to a value of the type
		want  string
		ok    bool
	}{
		{new(int), "int", true},
		{new([]string), "[]string", true},
		{new(map[string][]int), "map[string][]int", true},
		{new(error), "error", true},
		{new(any), "any", true},
		{new(*strings.Builder), "*strings.Builder", true},
		{new(time.Duration), "time.Duration", true},
		{new(<-chan int), "<-chan int", true},
		{new([3]byte), "[3]uint8", true},
		{new(func(int, ...string) (bool, error)), "func(int, ...string) (bool, error)", true},
		{new(struct{ X, Y int }), "struct{X int; Y int}", true},
		{new(fmt.Stringer), "fmt.Stringer", true},
		{new(interface{ M() }), "interface { M() }", false},
	}
	for _, tt := range tests {
		rt := reflect.TypeOf(tt.value).Elem()
		got, ok := types.TypeSource(rt)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("TypeSource(%v) = %q, %v; want %q, %v", rt, got, ok, tt.want, tt.ok)
		}
	}
}

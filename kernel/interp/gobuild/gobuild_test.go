package gobuild

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHelperImports(t *testing.T) {
	cases := []struct {
		name, program string
		want          []string
	}{
		{"none", "package main\nimport \"fmt\"\nfunc main() { fmt.Println() }\n", nil},
		{"short and full", "package main\nimport (\n\t\"fmt\"\n\t\"golab/race\"\n\tt \"github.com/golab-notebooks/golab/runtime/timing\"\n)\n", []string{"golab/race", "github.com/golab-notebooks/golab/runtime/timing"}},
		{"a look-alike", "package main\nimport \"golabx/race\"\n", nil},
		{"does not parse", "package main\nimport (\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := HelperImports(c.program)
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("HelperImports = %q, want %q", got, c.want)
			}
		})
	}
}

func TestFullImportPathsKeepEveryLine(t *testing.T) {
	program := "package main\n\nimport (\n\t\"fmt\"\n\t\"golab/race\"\n\td \"golab/display\"\n)\n\nfunc main() { fmt.Println(race.NewModel(), d.Text) }\n"
	got := fullImportPaths(program)
	for _, want := range []string{"\t\"github.com/golab-notebooks/golab/runtime/race\"\n", "\td \"github.com/golab-notebooks/golab/runtime/display\"\n", "\t\"fmt\"\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if a, b := strings.Count(program, "\n"), strings.Count(got, "\n"); a != b {
		t.Errorf("the program had %d lines and has %d", a, b)
	}
	if strings.Split(got, "\n")[8] != strings.Split(program, "\n")[8] {
		t.Errorf("line 9 changed: %q", strings.Split(got, "\n")[8])
	}
}

// fakeHelpers is a module in the shape the golab binary embeds.
func fakeHelpers() fstest.MapFS {
	return fstest.MapFS{
		"go.mod":                      {Data: []byte("module " + ModulePath + "\n\ngo 1.22\n")},
		"go.sum":                      {Data: []byte("")},
		"runtime/greet/greet.go":      {Data: []byte("// Package greet greets.\npackage greet\n\nimport \"" + ModulePath + "/internal/word\"\n\n// Hello greets.\nfunc Hello() string { return word.Hello }\n")},
		"runtime/greet/greet_test.go": {Data: []byte("package greet\n")},
		"runtime/symbols/symbols.go":  {Data: []byte("package symbols\n\nimport \"github.com/traefik/yaegi/interp\"\n")},
		"internal/word/word.go":       {Data: []byte("package word\n\n// Hello is the word.\nconst Hello = \"hello\"\n")},
	}
}

func TestWriteModuleCopiesTheHelpersOnce(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	program := "package main\n\nimport \"golab/greet\"\n\nfunc main() { println(greet.Hello()) }\n"
	dir := t.TempDir()
	if err := WriteModule(dir, program, "1.22", fakeHelpers()); err != nil {
		t.Fatal(err)
	}
	mod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	_, src, ok := strings.Cut(string(mod), "=> ")
	if !ok {
		t.Fatalf("no replace directive in\n%s", mod)
	}
	src = strings.TrimSpace(src)
	for _, name := range []string{"go.mod", "runtime/greet/greet.go", "internal/word/word.go"} {
		if _, err := os.Stat(filepath.Join(src, name)); err != nil {
			t.Errorf("the copy lacks %s: %v", name, err)
		}
	}
	for _, name := range []string{"runtime/greet/greet_test.go", "runtime/symbols/symbols.go"} {
		if _, err := os.Stat(filepath.Join(src, name)); err == nil {
			t.Errorf("the copy has %s, which programs never build", name)
		}
	}
	again := t.TempDir()
	if err := WriteModule(again, program, "1.22", fakeHelpers()); err != nil {
		t.Fatal(err)
	}
	if mod2, _ := os.ReadFile(filepath.Join(again, "go.mod")); string(mod2) != string(mod) {
		t.Errorf("the same helpers were copied twice:\n%s\n%s", mod, mod2)
	}
	changed := fakeHelpers()
	changed["internal/word/word.go"] = &fstest.MapFile{Data: []byte("package word\n\nconst Hello = \"hi\"\n")}
	other := t.TempDir()
	if err := WriteModule(other, program, "1.22", changed); err != nil {
		t.Fatal(err)
	}
	if mod3, _ := os.ReadFile(filepath.Join(other, "go.mod")); string(mod3) == string(mod) {
		t.Error("changed helpers reused the old copy")
	}

	goBin, _ := Toolchain()
	if goBin == "" {
		t.Skip("no Go toolchain to build the module with")
	}
	build := exec.Command(goBin, "run", ".")
	build.Dir = dir
	build.Env = append(Env(), "GOPROXY=off")
	out, err := build.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "hello" {
		t.Errorf("go run of the written module: %v\n%s", err, out)
	}
}

func TestWriteModuleWithoutHelperSource(t *testing.T) {
	err := WriteModule(t.TempDir(), "package main\n\nimport \"golab/race\"\n\nfunc main() {}\n", "1.22", nil)
	if err == nil || !strings.Contains(err.Error(), "without the source of its helper packages") {
		t.Errorf("err = %v", err)
	}
	if err := WriteModule(t.TempDir(), "package main\n\nfunc main() {}\n", "1.22", nil); err != nil {
		t.Errorf("a program without helpers needs no helper source: %v", err)
	}
}

// Build constraints above the package clause are blanked, as `go run
// file.go` ignores them; one after it, or in a string, stays.
func TestWithoutBuildConstraints(t *testing.T) {
	tests := []struct{ in, want string }{
		{"// +build ignore,OMIT\n\npackage main\n", "\n\npackage main\n"},
		{"//go:build ignore\n// +build ignore\n\n// Doc.\npackage main\n", "\n\n\n// Doc.\npackage main\n"},
		{"package main\n\n//go:build x\nfunc main() {}\n", "package main\n\n//go:build x\nfunc main() {}\n"},
	}
	for _, tt := range tests {
		if got := withoutBuildConstraints(tt.in); got != tt.want {
			t.Errorf("withoutBuildConstraints(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Package gobuild lays out a cell as a Go module that the Go toolchain
// builds: the cell's program as main.go, and, when the program imports
// golab's helper packages ("golab/race", "golab/display", …), a copy of
// those packages' source that the module requires through a replace
// directive.
//
// The helper sources come from the golab binary itself (they are embedded
// in it), so a learner's machine needs the go command but not golab's
// repository. The helpers' own dependencies (gonum/plot for the charts)
// come from the Go module cache, as for any module.
package gobuild

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ModulePath is the module path of golab, under which the helper packages
// live ("github.com/golab-notebooks/golab/runtime/race").
const ModulePath = "github.com/golab-notebooks/golab"

// ShortPrefix is how cells import the helpers: "golab/race".
const ShortPrefix = "golab/"

// Toolchain finds the go command and the language version it speaks
// ("1.26"), once. goBin is "" when no toolchain is installed.
var Toolchain = sync.OnceValues(func() (goBin, version string) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", ""
	}
	out, err := exec.Command(goBin, "env", "GOVERSION").Output()
	if err != nil {
		return "", ""
	}
	// "go1.26.8" → "1.26"
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		v = parts[0] + "." + parts[1]
	}
	return goBin, v
})

// Env is the environment for go build in a module that WriteModule wrote:
// the installed toolchain only (no download of another), the cell's
// module file allowed to gain the helpers' indirect requirements, and no
// go.work of the learner's in the way.
func Env() []string {
	return append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "GOWORK=off")
}

// HelperImports returns the golab helper packages a program imports, as
// written ("golab/race" or the full module path), in order.
func HelperImports(program string) []string {
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", program, parser.ImportsOnly)
	if err != nil {
		return nil
	}
	var out []string
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if strings.HasPrefix(p, ShortPrefix) || strings.HasPrefix(p, ModulePath+"/") {
			out = append(out, p)
		}
	}
	return out
}

// WriteModule writes program as main.go of module "cell" in dir, for go
// version version. If the program imports golab's helpers, helpers must
// hold golab's go.mod, go.sum and the sources of runtime/ and internal/
// (as the golab binary embeds them); they are copied once into a cache
// directory named by their content, and the short import paths
// ("golab/race") are written out in full. Every line of the program stays
// on its line, so compiler messages point at cell lines.
func WriteModule(dir, program, version string, helpers fs.FS) error {
	mod := "module cell\n\ngo " + version + "\n"
	var sum []byte
	if len(HelperImports(program)) > 0 {
		if helpers == nil {
			return errors.New("this golab was built without the source of its helper packages, so programs that import them cannot be compiled")
		}
		src, err := helperSource(helpers)
		if err != nil {
			return fmt.Errorf("copy golab's helper packages: %w", err)
		}
		if sum, err = fs.ReadFile(helpers, "go.sum"); err != nil {
			return fmt.Errorf("read golab's go.sum: %w", err)
		}
		mod += "\nrequire " + ModulePath + " v0.0.0\n\nreplace " + ModulePath + " => " + src + "\n"
		program = fullImportPaths(program)
	}
	files := map[string][]byte{"go.mod": []byte(mod), "main.go": []byte(withoutBuildConstraints(program))}
	if sum != nil {
		files["go.sum"] = sum
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// withoutBuildConstraints blanks the build constraint lines (`//go:build
// ignore`, `// +build ignore,OMIT`) above a program's package clause, as
// `go run file.go` ignores them for a file it is given: the Go blog's and
// talks' programs carry them, and `go build` in the cell's module then
// found no file to build. Lines keep their numbers.
func withoutBuildConstraints(program string) string {
	lines := strings.Split(program, "\n")
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "package ") {
			break
		}
		if strings.HasPrefix(trimmed, "//go:build") || strings.HasPrefix(trimmed, "// +build") {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// fullImportPaths rewrites the import paths "golab/x" of a program into
// golab's module path, in place.
func fullImportPaths(program string) string {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "main.go", program, parser.ImportsOnly)
	if err != nil {
		return program
	}
	var b strings.Builder
	last := 0
	for _, imp := range file.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		rest, ok := strings.CutPrefix(p, ShortPrefix)
		if !ok {
			continue
		}
		from, to := fset.Position(imp.Path.Pos()).Offset, fset.Position(imp.Path.End()).Offset
		b.WriteString(program[last:from])
		b.WriteString(strconv.Quote(ModulePath + "/runtime/" + rest))
		last = to
	}
	b.WriteString(program[last:])
	return b.String()
}

// SourcePatterns are the files of golab's module, besides go.mod and
// go.sum, that the helper packages are built from (as the golab binary
// embeds them).
var SourcePatterns = []string{"runtime/*/*.go", "internal/*/*.go"}

// sourceMu keeps two cells of one worker from copying at once.
var sourceMu sync.Mutex

// helperSource copies the helper module into the user's cache directory
// (once per content) and returns its path.
func helperSource(helpers fs.FS) (string, error) {
	sourceMu.Lock()
	defer sourceMu.Unlock()
	names := []string{"go.mod", "go.sum"}
	for _, pattern := range SourcePatterns {
		matches, err := fs.Glob(helpers, pattern)
		if err != nil {
			return "", fmt.Errorf("list the sources: %w", err)
		}
		for _, name := range matches {
			// Not the tests, and not the interpreter's tables (runtime/symbols).
			if !strings.HasSuffix(name, "_test.go") && !strings.HasPrefix(name, "runtime/symbols/") {
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	contents := make(map[string][]byte, len(names))
	hash := sha256.New()
	for _, name := range names {
		data, err := fs.ReadFile(helpers, name)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", name, err)
		}
		contents[name] = data
		fmt.Fprintf(hash, "%s %d\n", name, len(data))
		hash.Write(data)
	}
	if _, ok := contents["go.mod"]; !ok {
		return "", errors.New("go.mod is missing from the sources")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "golab", "helpers-"+hex.EncodeToString(hash.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	// Write into a fresh directory and rename it into place, so that a
	// half-written copy is never taken for a whole one.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".helpers-")
	if err != nil {
		return "", err
	}
	for name, data := range contents {
		path := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.RemoveAll(tmp)
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			return dir, nil // another worker was first
		}
		return "", err
	}
	return dir, nil
}

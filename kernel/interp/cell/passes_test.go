package cell

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/rewrite with the rewriter's output")

// goldenCase is one case of a golden file: a source, how it is rewritten
// (as statements or declarations), and the expected output.
type goldenCase struct {
	title, kind, in, want string
}

// readGolden reads a txtar archive of cases, each two files:
//
//	-- stmts: a title --
//	the source
//	-- want --
//	the rewritten source
//
// (or decls: for declarations). The archive's comment says what the
// pass is for.
func readGolden(t *testing.T, path string) []goldenCase {
	t.Helper()
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	for i := 0; i < len(ar.Files); i += 2 {
		kind, title, found := strings.Cut(ar.Files[i].Name, ": ")
		if !found || (kind != "stmts" && kind != "decls") {
			t.Fatalf("%s: case %q: want \"-- stmts: title --\" or \"-- decls: title --\"", path, ar.Files[i].Name)
		}
		if i+1 == len(ar.Files) || ar.Files[i+1].Name != "want" {
			t.Fatalf("%s: case %q has no \"-- want --\" after it", path, ar.Files[i].Name)
		}
		cases = append(cases, goldenCase{title: title, kind: kind,
			in: strings.TrimSuffix(string(ar.Files[i].Data), "\n"), want: strings.TrimSuffix(string(ar.Files[i+1].Data), "\n")})
	}
	return cases
}

func writeGolden(path string, head string, cases []goldenCase) error {
	ar := &txtar.Archive{Comment: []byte(head)}
	for _, c := range cases {
		ar.Files = append(ar.Files, txtar.File{Name: c.kind + ": " + c.title, Data: []byte(c.in + "\n")},
			txtar.File{Name: "want", Data: []byte(c.want + "\n")})
	}
	return os.WriteFile(path, txtar.Format(ar), 0o644)
}

// TestPassesGolden rewrites the cases of testdata/rewrite/<pass>.txt and
// compares with what they want. Every pass has a file, with at least one
// case its own edits change, and no case may make rewrites conflict.
func TestPassesGolden(t *testing.T) {
	earlier := testContext{
		isInt:       func(name string) bool { return name == "n" },
		isWaitGroup: func(name string) bool { return name == "wg" },
		isMethod:    func(name string) bool { return name == "All" || name == "Hi" || name == "Name" || name == "Get" },
		lockSite:    func(line int, fn, call string) int { return line },
		sources: func() Sources {
			return Sources{Imports: []string{`"iter"`}, Decls: []string{"func count() int { return 3 }", "type pt struct{ n int }", "var p pt",
				"var m map[string]int", "var names []string", "func big() int64 { return 2 }", "type small int",
				"type list struct{ xs []string }", "func (l *list) All() iter.Seq2[int, string] { return nil }", "var l *list",
				"func Idx[S ~[]E, E comparable](s S, v E) int { return 0 }", "var early []chan int",
				"type greeter struct{ name string }", "func (g *greeter) Hi(wg *sync.WaitGroup) {}", "func (g greeter) Name() string { return g.name }",
				"var gs []*greeter", "var vals []greeter",
				"type baseT struct{ n int }", "func (b baseT) Get() int { return b.n }", "type outerT struct {\n\tbaseT\n\tlabel string\n}", "func pipeline(cs []chan int) [2]chan int { return [2]chan int{} }"}}
		},
	}
	for _, p := range passes {
		t.Run(p.name, func(t *testing.T) {
			path := filepath.Join("testdata", "rewrite", p.name+".txt")
			cases := readGolden(t, path)
			if len(cases) == 0 {
				t.Fatalf("%s has no cases", path)
			}
			changed := false
			for i, c := range cases {
				rewrite := RewriteStmts
				if c.kind == "decls" {
					rewrite = RewriteDecls
				}
				// Every pass runs, and no edit may conflict; but the
				// cases of other passes want the source without the
				// safe points' stop tests, which each function and loop
				// gets (safe-points.txt shows them).
				got := rewrite(c.in, earlier)
				if len(got.Conflicts) > 0 {
					t.Errorf("%s: conflicts %v", c.title, got.Conflicts)
				}
				if p.name != "safe-points" {
					quiet := earlier
					quiet.off = withoutSafePoints.off
					got = rewrite(c.in, quiet)
				}
				for _, e := range got.edits {
					changed = changed || e.pass == p.name
				}
				if *update {
					cases[i].want = got.Source
					continue
				}
				if got.Source != c.want {
					t.Errorf("%s:\n got: %s\nwant: %s", c.title, got.Source, c.want)
				}
			}
			if !changed {
				t.Errorf("no case of %s is changed by the %s pass itself", path, p.name)
			}
			if *update {
				data, _ := os.ReadFile(path)
				head, _, _ := strings.Cut(string(data), "-- ")
				if err := writeGolden(path, head, cases); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// Two edits over the same text: the second is left out and reported with
// both passes' names, where the rewriter used to drop it silently.
func TestConflictingEditsAreReported(t *testing.T) {
	src := "a := f(x)\nb := 2"
	edits := []edit{
		{start: 5, end: 9, text: "g(y)", pass: "first"},
		{start: 7, end: 8, text: "z", pass: "second", seq: 1},
	}
	out, conflicts := apply(src, edits)
	if out != "a := g(y)\nb := 2" {
		t.Errorf("source %q", out)
	}
	if len(conflicts) != 1 || conflicts[0] != (Conflict{Line: 1, Kept: "first", Dropped: "second"}) {
		t.Errorf("conflicts %+v", conflicts)
	}
}

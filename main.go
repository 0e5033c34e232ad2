// Command golab is a Jupyter kernel for learning and teaching Go
// concurrency.
//
//	golab install [--user | --sys-prefix | --prefix DIR]   register the kernel with Jupyter
//	golab run NOTEBOOK.ipynb [-o OUT.ipynb] [-allow-fail]                 execute a notebook without Jupyter
//	golab lesson build|check [-lessons DIR] [-out DIR]      make lesson notebooks, or verify the exercises
//	golab lesson build -nbgrader COURSE_DIR                 make nbgrader source notebooks
//	golab lesson gradescope|classroom LESSON                package a lesson's grading for Gradescope or GitHub Classroom
//	golab grade LESSON SUBMISSION... [-j N] [-o DIR]         grade a class's notebooks with the lesson's tests
//	golab kernel -f CONNECTION_FILE                         run the kernel (Jupyter starts this)
//	golab version                                           print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/golab-notebooks/golab/internal/parent"
	"github.com/golab-notebooks/golab/kernel/interp/worker"
	"github.com/golab-notebooks/golab/kernel/jupyter/server"
	"github.com/golab-notebooks/golab/kernel/jupyter/spec"
	"github.com/golab-notebooks/golab/kernel/jupyter/supervisor"
	"github.com/golab-notebooks/golab/kernel/limits"
	"github.com/golab-notebooks/golab/kernel/teach/grade"
	"github.com/golab-notebooks/golab/kernel/teach/lesson"
	"github.com/golab-notebooks/golab/kernel/teach/notebook"
	"github.com/golab-notebooks/golab/kernel/teach/runner"
)

const usage = `golab: Go notebooks for learning concurrency

usage:
  golab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME] [--interrupt-mode signal|message]
  golab run NOTEBOOK.ipynb [-o OUT.ipynb] [-allow-fail]
  golab lesson build [-lessons lessons] [-out notebooks | -nbgrader COURSE_DIR]
  golab lesson check [-lessons lessons]
  golab lesson gradescope|classroom LESSON [-lessons lessons] [-out autograder.zip | -out TEMPLATE_DIR]
  golab grade LESSON SUBMISSION... [-j N] [-o DIR] [-timeout 5m] [-export gradescope,classroom,canvas]
  golab kernel -f CONNECTION_FILE
  golab version
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "kernel":
		err = runKernel(args)
	case "worker":
		worker.HelperModule = helperModule
		err = worker.Main()
	case "proc": // a process started by golab/proc
		err = worker.ProcMain()
	case "install":
		err = install(args)
	case "run":
		err = run(args)
	case "lesson":
		err = lessonCommand(args)
	case "grade":
		err = gradeCommand(args)
	case "version", "--version":
		fmt.Println("golab", server.Version)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "golab: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if errors.Is(err, errHelpShown) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "golab:", err)
		os.Exit(1)
	}
}

// errHelpShown ends a command whose -h printed its usage: golab exits 0.
var errHelpShown = errors.New("help shown")

// parseArgs parses flags wherever they stand among the arguments (Go's
// flag package stops at the first argument that is not a flag, so
// "golab run -q NB -o OUT" lost -o) and returns the other arguments, in
// order. "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard) // the error returned says what was wrong
	defer fs.SetOutput(os.Stderr)
	var positional []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fs.Usage()
			return nil, errHelpShown
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// atMost refuses arguments past the n a command takes, with its usage.
func atMost(n int, positional []string, usageLine string) error {
	if len(positional) > n {
		return fmt.Errorf("unexpected argument %q; usage: %s", positional[n], usageLine)
	}
	return nil
}

func runKernel(args []string) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	file := fs.String("f", "", "connection file written by Jupyter")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := atMost(0, positional, "golab kernel -f CONNECTION_FILE"); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("kernel: -f CONNECTION_FILE is required (Jupyter passes it)")
	}
	lim, err := limits.FromEnv()
	if err != nil {
		return fmt.Errorf("kernel: %w", err)
	}
	// A kernel whose Jupyter server died ends with it, worker and all.
	ctx := parent.Watch(context.Background(), time.Second, func(pid int) {
		log.Printf("golab: the process that started the kernel (%d) has ended: shutting down", pid)
	})
	return server.Run(ctx, server.Config{ConnectionFile: *file, Limits: lim})
}

func install(args []string) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	user := fs.Bool("user", false, "install for the current user (default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the active Python environment")
	prefix := fs.String("prefix", "", "install into PREFIX/share/jupyter/kernels")
	name := fs.String("name", "golab", "kernelspec name")
	display := fs.String("display-name", "Go (golab)", "name shown in the kernel menu")
	mode := fs.String("interrupt-mode", "signal", "how Jupyter interrupts: signal or message")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := atMost(0, positional, "golab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME] [--interrupt-mode signal|message]"); err != nil {
		return err
	}
	if (*user && (*sysPrefix || *prefix != "")) || (*sysPrefix && *prefix != "") {
		return errors.New("install: choose one of --user, --sys-prefix and --prefix")
	}
	if *sysPrefix {
		p, err := spec.SysPrefix()
		if err != nil {
			return err
		}
		*prefix = p
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("install: find the golab executable: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("install: resolve the golab executable: %w", err)
	}
	dir, err := spec.Install(spec.Options{Executable: exe, Prefix: *prefix, Name: *name, DisplayName: *display, InterruptMode: *mode})
	if err != nil {
		return fmt.Errorf("install: %w", err)
	}
	fmt.Printf("Installed the %q kernelspec in %s\n", *name, dir)
	return nil
}

func run(args []string) error {
	const runUsage = "golab run NOTEBOOK.ipynb [-o OUT.ipynb] [-q] [-allow-fail]"
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fs.String("o", "", "write the executed notebook here instead of in place")
	quiet := fs.Bool("q", false, "do not print progress")
	allowFail := fs.Bool("allow-fail", false, "run on after a failing cell, and exit 0 even when a cell or an exercise check fails (a student's notebook)")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return fmt.Errorf("%w; usage: %s", err, runUsage)
	}
	if len(positional) == 0 {
		return errors.New("run: which notebook? usage: " + runUsage)
	}
	if err := atMost(1, positional, runUsage); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	path := positional[0]
	nb, err := notebook.Read(path)
	if err != nil {
		return err
	}
	// The notebook itself records what went wrong; the log is for debugging.
	logTo := io.Discard
	if os.Getenv("GOLAB_DEBUG") != "" {
		logTo = os.Stderr
	}
	sup, err := supervisor.FromEnvironment(log.New(logTo, "golab: ", 0))
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer sup.Close()
	var progress io.Writer = os.Stderr
	if *quiet {
		progress = io.Discard
	}
	var runErr error
	var cellFailures []*runner.CellError
	if *allowFail {
		cellFailures = runner.RunAll(context.Background(), nb, sup, runner.Options{Progress: progress})
	} else {
		runErr = runner.Run(nb, sup, progress)
	}
	dest := path
	if *out != "" {
		dest = *out
	}
	if err := notebook.Write(dest, nb); err != nil {
		return err
	}
	if runErr != nil {
		return fmt.Errorf("%s: %w (outputs so far written to %s)", path, runErr, dest)
	}
	for _, f := range cellFailures {
		fmt.Fprintf(os.Stderr, "%s: %v (the cells after it ran on: -allow-fail)\n", path, f)
	}
	fmt.Fprintf(progress, "wrote %s\n", dest)
	var failed []string
	for _, r := range lesson.CheckResults(nb) {
		verdict := "PASS"
		if r.Passed < r.Total {
			verdict = "FAIL"
			failed = append(failed, r.Exercise)
		}
		line := fmt.Sprintf("%s %s: %d of %d tests passed", verdict, r.Exercise, r.Passed, r.Total)
		if len(r.Failed) > 0 {
			line += "; failed: " + strings.Join(r.Failed, "; ")
		}
		fmt.Println(line)
	}
	if len(failed) > 0 && !*allowFail {
		return fmt.Errorf("%s: the checks of %s failed (-allow-fail to exit 0 anyway)", path, strings.Join(failed, ", "))
	}
	return nil
}

func lessonCommand(args []string) error {
	if len(args) > 0 && (args[0] == "gradescope" || args[0] == "classroom") {
		return packageLesson(args[0], args[1:])
	}
	if len(args) == 0 || (args[0] != "build" && args[0] != "check") {
		return errors.New("lesson: build, check, gradescope or classroom? usage: golab lesson build|check [-lessons DIR] [-out DIR]; golab lesson gradescope|classroom LESSON [-out PATH]")
	}
	fs := flag.NewFlagSet("lesson "+args[0], flag.ContinueOnError)
	dir := fs.String("lessons", "lessons", "the folder of lesson sources (NN-name.md)")
	out := fs.String("out", "notebooks", "where build writes the notebooks")
	nbgrader := fs.String("nbgrader", "", "build: write an nbgrader course directory (source notebooks, nbgrader_config.py) here instead")
	positional, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if err := atMost(0, positional, "golab lesson build|check [-lessons DIR] [-out DIR | -nbgrader COURSE_DIR]"); err != nil {
		return fmt.Errorf("lesson: %w", err)
	}
	lessons, err := lesson.ReadAll(*dir)
	if err != nil {
		return err
	}
	if args[0] == "build" && *nbgrader != "" {
		written, err := lesson.BuildNbgrader(lessons, *nbgrader)
		for _, p := range written {
			fmt.Println("wrote", p)
		}
		if err == nil {
			fmt.Printf("next: cd %s && nbgrader generate_assignment %s\n", *nbgrader, lessons[0].Slug)
		}
		return err
	}
	if args[0] == "build" {
		written, err := lesson.Build(lessons, *out)
		for _, p := range written {
			fmt.Println("wrote", p)
		}
		return err
	}
	problems := lesson.Check(lessons, lesson.StartSupervisor, os.Stdout)
	if len(problems) > 0 {
		if len(problems) == 1 {
			return errors.New("lesson check: 1 problem")
		}
		return fmt.Errorf("lesson check: %d problems", len(problems))
	}
	fmt.Println("lesson check: every solution passes its tests and every starter fails them")
	return nil
}

func gradeCommand(args []string) error {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	dir := fs.String("lessons", "lessons", "the folder of lesson sources")
	jobs := fs.Int("j", runtime.NumCPU(), "how many submissions run at once")
	out := fs.String("o", "grades", "where grades.csv and feedback/ go")
	timeout := fs.Duration("timeout", 5*time.Minute, "the most one submission may run")
	cellTimeout := fs.Duration("cell-timeout", 10*time.Second, "the most one cell may run: a longer one (a scratch loop left running) is interrupted, named in the feedback, and the next cells run on")
	export := fs.String("export", "", "also write grade books for these platforms, comma-separated: "+strings.Join(grade.ExportNames(), ", ")+
		" (Gradescope's results.json, GitHub Classroom's runner results, a Canvas gradebook CSV)")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: golab grade LESSON SUBMISSION... [-j N] [-o DIR] [-timeout 5m] [-cell-timeout 10s] [-export gradescope,classroom,canvas]")
		fmt.Fprintln(os.Stderr, "  LESSON is a lesson's slug (02-goroutines) or source file; each SUBMISSION a notebook or a folder of them.")
		fs.PrintDefaults()
	}
	// Flags may come after the lesson and the submissions.
	positional, err := parseArgs(fs, args)
	if err != nil {
		fs.Usage()
		return err
	}
	if len(positional) < 2 {
		fs.Usage()
		return errors.New("grade: a lesson and at least one submission are needed")
	}
	var exports []string
	for _, name := range strings.Split(*export, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if grade.Exports[name] == nil {
			return fmt.Errorf("grade: no export %q (there are: %s)", name, strings.Join(grade.ExportNames(), ", "))
		}
		exports = append(exports, name)
	}
	l, err := findLesson(*dir, positional[0])
	if err != nil {
		return err
	}
	subs, err := grade.Find(l.Slug, positional[1:])
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	lim, err := limits.FromEnv()
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	bar := progressbar.NewOptions(len(subs), progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription("grading "+l.Slug),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish())
	start := time.Now()
	rows := grade.Grade(l, subs, grade.Options{Jobs: *jobs, Timeout: *timeout, CellTimeout: *cellTimeout, Limits: lim, Done: func(string) { _ = bar.Add(1) }})
	_ = bar.Finish()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	csvPath := filepath.Join(*out, "grades.csv")
	if err := grade.WriteCSV(csvPath, rows); err != nil {
		return err
	}
	pages, err := grade.WriteFeedback(filepath.Join(*out, "feedback"), l.Title, rows)
	if err != nil {
		return err
	}
	for _, name := range exports {
		written, err := grade.Exports[name](*out, l.Title, rows)
		if err != nil {
			return err
		}
		if len(written) > 3 {
			fmt.Printf("%s: %d files in %s\n", name, len(written), filepath.Dir(written[0]))
		} else {
			fmt.Printf("%s: %s\n", name, strings.Join(written, ", "))
		}
	}
	for _, t := range grade.Totals(rows) {
		fmt.Printf("%-20s %3d of %d points\n", t.Student, t.Points, t.Max)
	}
	took := time.Since(start)
	fmt.Printf("graded %d submissions in %v (%.2f s per submission, %d at a time): %s, %d feedback pages in %s\n",
		len(subs), took.Round(100*time.Millisecond), took.Seconds()/float64(len(subs)), *jobs, csvPath, len(pages), filepath.Join(*out, "feedback"))
	return nil
}

// packageLesson packages a lesson's grading for a platform: Gradescope's
// autograder zip, or a GitHub Classroom template repository.
func packageLesson(platform string, args []string) error {
	fs := flag.NewFlagSet("lesson "+platform, flag.ContinueOnError)
	dir := fs.String("lessons", "lessons", "the folder of lesson sources (NN-name.md)")
	defaultOut := map[string]string{"gradescope": "autograder.zip", "classroom": "classroom-template"}[platform]
	out := fs.String("out", defaultOut, "gradescope: the zip to write; classroom: the template repository's folder")
	self, _ := os.Executable()
	golabBinary := fs.String("golab", self, "gradescope: the golab binary to put in the zip; it must be built for linux/amd64, as Gradescope's machines are")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return fmt.Errorf("lesson %s: which lesson? usage: golab lesson %s LESSON [-lessons DIR] [-out PATH]", platform, platform)
	}
	l, err := findLesson(*dir, positional[0])
	if err != nil {
		return err
	}
	source := positional[0]
	if !strings.HasSuffix(source, ".md") {
		source = filepath.Join(*dir, l.Slug+".md")
	}
	p := grade.Platform{Lesson: l, Source: source, Golab: *golabBinary, GoVersion: strings.TrimPrefix(runtime.Version(), "go"),
		Module: "github.com/golab-notebooks/golab", Version: "latest"}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		p.Version = bi.Main.Version
	}
	if platform == "classroom" {
		written, err := grade.WriteClassroomTemplate(*out, p)
		for _, w := range written {
			fmt.Println("wrote", w)
		}
		if err == nil {
			fmt.Printf("next: push %s to a repository, mark it a template, and make it the starter code of a GitHub Classroom assignment; each push is graded (students can read the tests in .golab/)\n", *out)
		}
		return err
	}
	if *golabBinary == self && (runtime.GOOS != "linux" || runtime.GOARCH != "amd64") {
		return fmt.Errorf("lesson gradescope: this golab is built for %s/%s, Gradescope runs linux/amd64: build one with GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -o golab-linux . and pass -golab golab-linux", runtime.GOOS, runtime.GOARCH)
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("lesson gradescope: %w", err)
	}
	err = grade.WriteGradescopeAutograder(f, p)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("lesson gradescope: %w", err)
	}
	fmt.Printf("wrote %s: upload it as the autograder of a Gradescope programming assignment; students submit %s.ipynb\n", *out, l.Slug)
	return nil
}

// findLesson reads the lesson named by a slug or a source file's path.
func findLesson(dir, name string) (*lesson.Lesson, error) {
	if strings.HasSuffix(name, ".md") {
		dir, name = filepath.Dir(name), strings.TrimSuffix(filepath.Base(name), ".md")
	}
	lessons, err := lesson.ReadAll(dir)
	if err != nil {
		return nil, err
	}
	var slugs []string
	for _, l := range lessons {
		if l.Slug == name {
			return l, nil
		}
		slugs = append(slugs, l.Slug)
	}
	return nil, fmt.Errorf("grade: no lesson %q in %s (there are: %s)", name, dir, strings.Join(slugs, ", "))
}

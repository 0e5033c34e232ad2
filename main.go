// Command golab is a Jupyter kernel for learning and teaching Go
// concurrency.
//
//	golab install [--user | --sys-prefix | --prefix DIR]   register the kernel with Jupyter
//	golab run NOTEBOOK.ipynb [-o OUT.ipynb]                 execute a notebook without Jupyter
//	golab lesson build|check [-lessons DIR] [-out DIR]      make lesson notebooks, or verify the exercises
//	golab lesson build -nbgrader COURSE_DIR                 make nbgrader source notebooks
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

	"github.com/golab-notebooks/golab/kernel/lesson"
	"github.com/golab-notebooks/golab/kernel/limits"
	"github.com/golab-notebooks/golab/kernel/notebook"
	"github.com/golab-notebooks/golab/kernel/server"
	"github.com/golab-notebooks/golab/kernel/spec"
	"github.com/golab-notebooks/golab/kernel/supervisor"
	"github.com/golab-notebooks/golab/kernel/worker"
)

const usage = `golab: Go notebooks for learning concurrency

usage:
  golab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME] [--interrupt-mode signal|message]
  golab run NOTEBOOK.ipynb [-o OUT.ipynb]
  golab lesson build [-lessons lessons] [-out notebooks | -nbgrader COURSE_DIR]
  golab lesson check [-lessons lessons]
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
		err = worker.Main()
	case "proc": // a process started by golab/proc
		err = worker.ProcMain()
	case "install":
		err = install(args)
	case "run":
		err = run(args)
	case "lesson":
		err = lessonCommand(args)
	case "version", "--version":
		fmt.Println("golab", server.Version)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "golab: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "golab:", err)
		os.Exit(1)
	}
}

func runKernel(args []string) error {
	fs := flag.NewFlagSet("kernel", flag.ExitOnError)
	file := fs.String("f", "", "connection file written by Jupyter")
	_ = fs.Parse(args)
	if *file == "" {
		return errors.New("kernel: -f CONNECTION_FILE is required (Jupyter passes it)")
	}
	lim, err := limits.FromEnv()
	if err != nil {
		return fmt.Errorf("kernel: %w", err)
	}
	return server.Run(context.Background(), server.Config{ConnectionFile: *file, Limits: lim})
}

func install(args []string) error {
	fs := flag.NewFlagSet("install", flag.ExitOnError)
	user := fs.Bool("user", false, "install for the current user (default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the active Python environment")
	prefix := fs.String("prefix", "", "install into PREFIX/share/jupyter/kernels")
	name := fs.String("name", "golab", "kernelspec name")
	display := fs.String("display-name", "Go (golab)", "name shown in the kernel menu")
	mode := fs.String("interrupt-mode", "signal", "how Jupyter interrupts: signal or message")
	_ = fs.Parse(args)
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
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	out := fs.String("o", "", "write the executed notebook here instead of in place")
	quiet := fs.Bool("q", false, "do not print progress")
	// Accept the notebook before or after the flags.
	var path string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		path, args = args[0], args[1:]
	}
	_ = fs.Parse(args)
	if path == "" && fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	if path == "" {
		return errors.New("run: which notebook? usage: golab run NOTEBOOK.ipynb [-o OUT.ipynb]")
	}
	nb, err := notebook.Read(path)
	if err != nil {
		return err
	}
	// The notebook itself records what went wrong; the log is for debugging.
	logTo := io.Discard
	if os.Getenv("GOLAB_DEBUG") != "" {
		logTo = os.Stderr
	}
	lim, err := limits.FromEnv()
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	engine, err := supervisor.New(supervisor.Options{Log: log.New(logTo, "golab: ", 0), Limits: lim})
	if err != nil {
		return err
	}
	defer engine.Close()
	var progress io.Writer = os.Stderr
	if *quiet {
		progress = io.Discard
	}
	runErr := notebook.Run(nb, engine, progress)
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
	fmt.Fprintf(progress, "wrote %s\n", dest)
	return nil
}

func lessonCommand(args []string) error {
	if len(args) == 0 || (args[0] != "build" && args[0] != "check") {
		return errors.New("lesson: build or check? usage: golab lesson build|check [-lessons DIR] [-out DIR]")
	}
	fs := flag.NewFlagSet("lesson "+args[0], flag.ExitOnError)
	dir := fs.String("lessons", "lessons", "the folder of lesson sources (NN-name.md)")
	out := fs.String("out", "notebooks", "where build writes the notebooks")
	nbgrader := fs.String("nbgrader", "", "build: write an nbgrader course directory (source notebooks, nbgrader_config.py) here instead")
	_ = fs.Parse(args[1:])
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
	problems := lesson.Check(lessons, lesson.DefaultEngine, os.Stdout)
	if len(problems) > 0 {
		return fmt.Errorf("lesson check: %d problems", len(problems))
	}
	fmt.Println("lesson check: every solution passes its tests and every starter fails them")
	return nil
}

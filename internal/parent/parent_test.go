package parent

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAWatchedProcessEndsWithItsParent runs three generations of the test
// binary: a parent that starts a child with its PID in JPY_PARENT_PID and
// then exits; the child, watching, must end soon after.
func TestAWatchedProcessEndsWithItsParent(t *testing.T) {
	switch os.Getenv("PARENT_TEST_ROLE") {
	case "parent":
		child := exec.Command(os.Args[0], "-test.run=^TestAWatchedProcessEndsWithItsParent$")
		child.Env = append(os.Environ(), "PARENT_TEST_ROLE=child", EnvPID+"="+strconv.Itoa(os.Getpid()))
		if err := child.Start(); err != nil { // no shared pipes: the test reads only this process's output
			t.Fatal(err)
		}
		os.Stdout.WriteString("child " + strconv.Itoa(child.Process.Pid) + "\n")
		time.Sleep(300 * time.Millisecond)
		os.Exit(0) // without waiting: the child is handed to init
	case "child":
		ctx := Watch(context.Background(), 50*time.Millisecond, nil)
		select {
		case <-ctx.Done():
			_ = os.WriteFile(os.Getenv("PARENT_TEST_MARK"), []byte("ended"), 0o644)
			os.Exit(0)
		case <-time.After(20 * time.Second):
			os.Exit(3)
		}
	}
	mark := t.TempDir() + "/mark"
	cmd := exec.Command(os.Args[0], "-test.run=^TestAWatchedProcessEndsWithItsParent$")
	cmd.Env = append(os.Environ(), "PARENT_TEST_ROLE=parent", "PARENT_TEST_MARK="+mark)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parent: %v", err)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 || fields[0] != "child" {
		t.Fatalf("parent said %q", out)
	}
	pid, _ := strconv.Atoi(fields[1])
	deadline := time.Now().Add(5 * time.Second)
	for processExists(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("the child %d still runs 5 s after its parent ended", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if data, err := os.ReadFile(mark); err != nil || string(data) != "ended" {
		t.Errorf("the child ended without its watch noticing the parent go (%v)", err)
	}
}

// Without JPY_PARENT_PID nothing is watched.
func TestNoVariableNoWatch(t *testing.T) {
	t.Setenv(EnvPID, "")
	ctx := context.Background()
	if Watch(ctx, time.Millisecond, nil) != ctx {
		t.Error("a context was made without the variable")
	}
	t.Setenv(EnvPID, strconv.Itoa(os.Getppid()+100000))
	if Watch(ctx, time.Millisecond, nil) != ctx {
		t.Error("a context was made for a parent that is not this process's")
	}
}

// processExists reports whether pid is a live process (a zombie counts
// as gone: it has ended).
func processExists(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(data))
	return len(fields) > 2 && fields[2] != "Z"
}

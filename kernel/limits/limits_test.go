package limits

import (
	"fmt"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Limits) bool
		errPart string
	}{
		{name: "defaults", check: func(l Limits) bool {
			return l == Limits{DefaultWorkerMemory, DefaultMaxMessage, DefaultOutputShown, DefaultOutputSaved, DefaultQueuedPerClient, DefaultRestore}
		}},
		{name: "numbers of MiB", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "512", "GOLAB_MAX_MESSAGE_MB": "1.5", "GOLAB_OUTPUT_LIMIT_MB": " 2 ", "GOLAB_OUTPUT_SAVED_MB": "3"},
			check: func(l Limits) bool {
				return l.WorkerMemory == 512<<20 && l.MaxMessage == 3<<19 && l.OutputShown == 2<<20 && l.OutputSaved == 3<<20
			}},
		{name: "memory off", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "off"}, check: func(l Limits) bool { return l.WorkerMemory < 0 }},
		{name: "memory none", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "none"}, check: func(l Limits) bool { return l.WorkerMemory < 0 }},
		// "off" used to become the default, silently.
		{name: "message off", env: map[string]string{"GOLAB_MAX_MESSAGE_MB": "off"}, errPart: "GOLAB_MAX_MESSAGE_MB=\"off\": this limit cannot be turned off"},
		{name: "output off", env: map[string]string{"GOLAB_OUTPUT_LIMIT_MB": "off"}, errPart: "GOLAB_OUTPUT_LIMIT_MB=\"off\": this limit cannot be turned off"},
		{name: "saved off", env: map[string]string{"GOLAB_OUTPUT_SAVED_MB": "none"}, errPart: "GOLAB_OUTPUT_SAVED_MB=\"none\": this limit cannot be turned off"},
		{name: "not a number", env: map[string]string{"GOLAB_MEMORY_LIMIT_MB": "2G"}, errPart: `GOLAB_MEMORY_LIMIT_MB="2G": want a number of MiB (or "off")`},
		{name: "zero", env: map[string]string{"GOLAB_OUTPUT_LIMIT_MB": "0"}, errPart: `GOLAB_OUTPUT_LIMIT_MB="0": want a number of MiB`},
		{name: "negative", env: map[string]string{"GOLAB_MAX_MESSAGE_MB": "-4"}, errPart: `want a number of MiB`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{"GOLAB_MEMORY_LIMIT_MB", "GOLAB_MAX_MESSAGE_MB", "GOLAB_OUTPUT_LIMIT_MB", "GOLAB_OUTPUT_SAVED_MB"} {
				t.Setenv(name, tt.env[name])
			}
			l, err := FromEnv()
			if tt.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("error %v, want one containing %q", err, tt.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(l) {
				t.Errorf("limits %+v", l)
			}
		})
	}
}

func ExampleMiB() {
	fmt.Println(MiB(3<<20), MiB(1536<<10))
	// Output: 3 MiB 2 MiB
}

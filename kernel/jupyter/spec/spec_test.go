package spec

import (
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstall(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
		mode    string
	}{
		{name: "defaults", opts: Options{Executable: "/usr/local/bin/golab"}, mode: "signal"},
		{name: "message mode", opts: Options{Executable: "/opt/golab", Name: "golab-msg", InterruptMode: "message"}, mode: "message"},
		{name: "relative executable", opts: Options{Executable: "golab"}, wantErr: true},
		{name: "bad mode", opts: Options{Executable: "/bin/golab", InterruptMode: "loud"}, wantErr: true},
		{name: "bad name", opts: Options{Executable: "/bin/golab", Name: "a/b"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Prefix = t.TempDir()
			dir, err := Install(tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Install error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			name := tt.opts.Name
			if name == "" {
				name = "golab"
			}
			if want := filepath.Join(tt.opts.Prefix, "share/jupyter/kernels", name); dir != want {
				t.Errorf("dir = %s, want %s", dir, want)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
			if err != nil {
				t.Fatal(err)
			}
			var k KernelJSON
			if err := json.Unmarshal(raw, &k); err != nil {
				t.Fatal(err)
			}
			if k.Argv[0] != tt.opts.Executable || k.Argv[1] != "kernel" || k.Argv[3] != "{connection_file}" {
				t.Errorf("argv = %v", k.Argv)
			}
			if k.Language != "go" || k.InterruptMode != tt.mode {
				t.Errorf("language %q interrupt mode %q", k.Language, k.InterruptMode)
			}
			for _, size := range []int{32, 64} {
				f, err := os.Open(filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size)))
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(f)
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
					t.Errorf("logo %d is %v", size, b)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "logo-svg.svg")); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestSysPrefixFollowsTheActiveEnvironment(t *testing.T) {
	t.Setenv("CONDA_PREFIX", "")
	t.Setenv("VIRTUAL_ENV", "/opt/venvs/course")
	if p, err := SysPrefix(); err != nil || p != "/opt/venvs/course" {
		t.Errorf("SysPrefix = %q, %v", p, err)
	}
}

// The language version notebooks and kernel_info_reply give is go.mod's.
func TestGoVersionIsGoMods(t *testing.T) {
	mod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		if v, ok := strings.CutPrefix(line, "go "); ok {
			if v != GoVersion {
				t.Errorf("go.mod says go %s, spec.GoVersion is %s", v, GoVersion)
			}
			return
		}
	}
	t.Fatal("go.mod has no go directive")
}

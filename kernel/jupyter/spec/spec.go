// Package spec installs golab's Jupyter kernelspec: the kernel.json that
// tells Jupyter how to start the kernel, and its logos.
package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Options say where and how to install the kernelspec.
type Options struct {
	// Executable is the golab binary the kernelspec starts (absolute path).
	Executable string
	// Prefix installs into PREFIX/share/jupyter/kernels (as --prefix and
	// --sys-prefix do); empty means the user's Jupyter data directory.
	Prefix string
	// Name is the kernelspec's directory name; default "golab".
	Name string
	// DisplayName is what the notebook's kernel menu shows; default "Go (golab)".
	DisplayName string
	// InterruptMode is "signal" (default) or "message".
	InterruptMode string
}

// KernelJSON is the content of kernel.json.
type KernelJSON struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata"`
}

// LanguageInfo is the kernel's language_info: what kernel_info_reply says,
// and what lesson notebooks store in their metadata. The two must be the
// same, or JupyterLab marks every notebook it opens modified as soon as
// the kernel answers.
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	Mimetype          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodemirrorMode    string `json:"codemirror_mode"`
	NbconvertExporter string `json:"nbconvert_exporter"`
}

// GoVersion is the version of the Go language cells are written in: the go
// directive of golab's go.mod (a test keeps them the same). It is not the
// toolchain's release, which differs from machine to machine, so that a
// notebook built on one is not modified by opening it on another.
const GoVersion = "1.26"

// Language returns the kernel's language_info.
func Language() LanguageInfo {
	return LanguageInfo{Name: "go", Version: GoVersion, Mimetype: "text/x-go", FileExtension: ".go",
		PygmentsLexer: "go", CodemirrorMode: "go", NbconvertExporter: "script"}
}

// Install writes the kernelspec and returns its directory.
func Install(o Options) (string, error) {
	if o.Name == "" {
		o.Name = "golab"
	}
	if o.DisplayName == "" {
		o.DisplayName = "Go (golab)"
	}
	switch o.InterruptMode {
	case "":
		o.InterruptMode = "signal"
	case "signal", "message":
	default:
		return "", fmt.Errorf("interrupt mode %q: want signal or message", o.InterruptMode)
	}
	if strings.ContainsAny(o.Name, "/\\ ") || o.Name == "" {
		return "", fmt.Errorf("kernelspec name %q: use letters, digits, '-', '_' or '.'", o.Name)
	}
	if !filepath.IsAbs(o.Executable) {
		return "", fmt.Errorf("golab executable %q is not an absolute path", o.Executable)
	}
	base, err := kernelsDir(o.Prefix)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, o.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create kernelspec directory: %w", err)
	}
	spec := KernelJSON{
		Argv:          []string{o.Executable, "kernel", "-f", "{connection_file}"},
		DisplayName:   o.DisplayName,
		Language:      "go",
		InterruptMode: o.InterruptMode,
		Metadata:      map[string]any{"debugger": false},
	}
	raw, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode kernel.json: %w", err)
	}
	files := map[string][]byte{"kernel.json": append(raw, '\n'), "logo-svg.svg": []byte(LogoSVG)}
	for _, size := range []int{32, 64} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, Logo(size)); err != nil {
			return "", fmt.Errorf("draw the %dpx logo: %w", size, err)
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = buf.Bytes()
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", fmt.Errorf("write %s: %w", name, err)
		}
	}
	return dir, nil
}

// kernelsDir is where kernelspecs live for a prefix, or for the user.
func kernelsDir(prefix string) (string, error) {
	if prefix != "" {
		return filepath.Join(prefix, "share", "jupyter", "kernels"), nil
	}
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the home directory for a user install: %w", err)
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Jupyter", "kernels"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter", "kernels"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
}

// SysPrefix returns the prefix of the Python environment Jupyter runs in
// (for --sys-prefix): $VIRTUAL_ENV, $CONDA_PREFIX, or sys.prefix of the
// python3 on PATH.
func SysPrefix() (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(v); p != "" {
			return p, nil
		}
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("--sys-prefix: no active Python environment and python3 did not answer (%w); use --prefix DIR instead", err)
	}
	p := strings.TrimSpace(string(out))
	if p == "" {
		return "", errors.New("--sys-prefix: python3 reported an empty sys.prefix; use --prefix DIR instead")
	}
	return p, nil
}

// goBlue is the Go brand's gopher blue.
var goBlue = color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}

// LogoSVG is golab's logo: a gopher-blue disc with two eyes.
const LogoSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
  <circle cx="32" cy="32" r="30" fill="#00ADD8"/>
  <circle cx="22" cy="26" r="9" fill="#fff"/>
  <circle cx="42" cy="26" r="9" fill="#fff"/>
  <circle cx="24" cy="27" r="4" fill="#000"/>
  <circle cx="44" cy="27" r="4" fill="#000"/>
  <rect x="27" y="42" width="10" height="6" rx="2" fill="#fff"/>
</svg>
`

// Logo draws the logo at size×size pixels, the same picture as LogoSVG.
func Logo(size int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	s := float64(size) / 64
	disc := func(cx, cy, r float64, c color.NRGBA) {
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				dx, dy := (float64(x)+0.5)/s-cx, (float64(y)+0.5)/s-cy
				if dx*dx+dy*dy <= r*r {
					img.SetNRGBA(x, y, c)
				}
			}
		}
	}
	white, black := color.NRGBA{255, 255, 255, 255}, color.NRGBA{0, 0, 0, 255}
	disc(32, 32, 30, goBlue)
	disc(22, 26, 9, white)
	disc(42, 26, 9, white)
	disc(24, 27, 4, black)
	disc(44, 27, 4, black)
	for y := int(42 * s); y < int(48*s); y++ {
		for x := int(27 * s); x < int(37*s); x++ {
			img.SetNRGBA(x, y, white)
		}
	}
	return img
}

package main

import "embed"

// helperModule is golab's module file and the sources of its helper
// packages, so that whole-program cells that import "golab/race" and the
// others can be compiled on a machine without golab's repository (see
// kernel/interp/gobuild).
//
//go:embed go.mod go.sum runtime/*/*.go internal/*/*.go
var helperModule embed.FS

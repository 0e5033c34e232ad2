//go:build cgo

package native

// cgoBuilt is set in a golab built with cgo, the only kind that can open
// plugins.
const cgoBuilt = true

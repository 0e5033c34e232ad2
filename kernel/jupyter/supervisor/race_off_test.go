//go:build !race

package supervisor

// raceDetector is set when the tests run under the race detector.
const raceDetector = false

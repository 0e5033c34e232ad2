// Package human formats measurements for people: durations rounded to
// the digits that matter for the lessons' tables and pictures.
package human

import "time"

// Round rounds d to three or four significant digits: milliseconds past a
// second, tens of microseconds past a millisecond, tens of nanoseconds
// past a microsecond.
func Round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond)
	}
	return d
}

// golab:expect exact
// time.Duration arithmetic and formatting, without the clock.
package main

import (
	"fmt"
	"time"
)

func main() {
	d := 90 * time.Minute
	fmt.Println(d, d.Hours(), d.Truncate(time.Hour))
	fmt.Println(1500*time.Millisecond, time.Duration(0), 2*time.Second+300*time.Microsecond)
	t := time.Date(2024, time.March, 31, 12, 0, 0, 0, time.UTC)
	fmt.Println(t.AddDate(0, 1, 0).Format("2006-01-02"), t.Weekday(), t.YearDay())
	fmt.Println(t.Add(36 * time.Hour).Format(time.RFC3339))
	p, err := time.ParseDuration("1h15m30s")
	fmt.Println(p.Seconds(), err)
}

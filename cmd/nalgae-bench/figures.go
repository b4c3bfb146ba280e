package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// recorder prints figures and verdicts and counts the bars missed.
type recorder struct {
	prefix string
	missed int
	parent *recorder
}

// prefixed is a recorder whose names carry prefix (pg_ on PostgreSQL) and
// whose misses count in r.
func (r *recorder) prefixed(prefix string) *recorder {
	return &recorder{prefix: prefix, parent: r}
}

// figure prints "BENCH <name> <value> <unit>".
func (r *recorder) figure(name string, value float64, unit string) {
	fmt.Printf("BENCH %s%s %s %s\n", r.prefix, name, formatValue(value), unit)
}

// comparison is how a figure is held against its bar.
type comparison struct {
	symbol string
	ok     func(v, bar float64) bool
}

var (
	atMost  = comparison{"<=", func(v, bar float64) bool { return v <= bar }}
	atLeast = comparison{">=", func(v, bar float64) bool { return v >= bar }}
)

// bar prints "# <name> <value> <op> <bar> ok|MISSED".
func (r *recorder) bar(name string, value float64, cmp comparison, bar float64) {
	verdict := "ok"
	if !cmp.ok(value, bar) {
		verdict = "MISSED"
		root := r
		if r.parent != nil {
			root = r.parent
		}
		root.missed++
	}
	fmt.Printf("# %s%s %s %s %s %s\n", r.prefix, name, formatValue(value), cmp.symbol, formatValue(bar), verdict)
}

// formatValue writes whole numbers without decimals and others to three
// significant decimals, so lines stay short and greppable.
func formatValue(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	if math.Abs(v) >= 100 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// median of durations (the mean of the middle two for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	mid := len(s) / 2
	if len(s)%2 == 1 {
		return s[mid]
	}
	return (s[mid-1] + s[mid]) / 2
}

// ratio is a/b, or NaN when b is zero, which prints as NaN and misses any bar.
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

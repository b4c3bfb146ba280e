// Package civil is a calendar date without a time of day or zone: the
// YYYY-MM-DD of SPEC §1, read in Asia/Seoul. It is stored as ISO text so that
// ordering and comparison work the same on SQLite and PostgreSQL.
package civil

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Seoul is the zone in which "today" and every date of the program is read.
var Seoul = mustLoadSeoul()

func mustLoadSeoul() *time.Location {
	loc, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		// Korea has kept UTC+9 without daylight saving since 1988.
		return time.FixedZone("KST", 9*60*60)
	}
	return loc
}

// Date is a calendar day. The zero value means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Layout is the only textual form a Date takes.
const Layout = "2006-01-02"

// Parse reads a strict YYYY-MM-DD; impossible days such as 2025-02-30 fail.
func Parse(s string) (Date, error) {
	if len(s) != len(Layout) {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not a valid YYYY-MM-DD day", s)
	}
	return Of(t), nil
}

// MustParse is Parse for literals in tests and seed data.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Of is the calendar day of t in t's own location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Today is the current day in Seoul.
func Today() Date { return Of(time.Now().In(Seoul)) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String is the YYYY-MM-DD form, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.time().Format(Layout)
}

// AddDays is the day n days after d (before it for negative n).
func (d Date) AddDays(n int) Date { return Of(d.time().AddDate(0, 0, n)) }

// DaysSince is the number of days from o to d (negative when d is earlier).
func (d Date) DaysSince(o Date) int {
	return int(d.time().Sub(o.time()).Hours() / 24)
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.time().Before(o.time()) }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.time().After(o.time()) }

// Min is the earlier of a and b.
func Min(a, b Date) Date {
	if b.Before(a) {
		return b
	}
	return a
}

// Max is the later of a and b.
func Max(a, b Date) Date {
	if b.After(a) {
		return b
	}
	return a
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("must be a date string YYYY-MM-DD")
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores the date as ISO text (NULL for the zero Date).
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads ISO text, or the time.Time that drivers return for DATE columns.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Of(v)
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	default:
		return fmt.Errorf("civil: cannot scan %T into a Date", src)
	}
}

func (d *Date) scanText(s string) error {
	if len(s) > len(Layout) {
		s = s[:len(Layout)] // "2025-10-08 00:00:00+00:00" from some drivers
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

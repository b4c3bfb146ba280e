package models

import (
	"testing"
	"time"

	"github.com/nalgae/nalgae/models/civil"
)

// River's schedule for the nightly pull, and the night a job inserted at a
// given moment pulls.
func TestNightlyAtScheduleAndNight(t *testing.T) {
	at := NightlyAt{Hour: 6, Minute: 0}
	seoul := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, civil.Seoul)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		now, next, night string
	}{
		{"2026-12-06 05:59", "2026-12-06 06:00", "2026-12-05"},
		{"2026-12-06 06:00", "2026-12-07 06:00", "2026-12-06"},
		{"2026-12-06 23:30", "2026-12-07 06:00", "2026-12-06"},
		{"2026-12-31 07:00", "2027-01-01 06:00", "2026-12-31"},
	} {
		now := seoul(c.now)
		if got := at.Next(now.UTC()); !got.Equal(seoul(c.next)) {
			t.Errorf("Next(%s) = %s, want %s", c.now, got.In(civil.Seoul), c.next)
		}
		if got := at.Night(now.UTC()); got != civil.MustParse(c.night) {
			t.Errorf("Night(%s) = %s, want %s", c.now, got, c.night)
		}
	}
	if got, err := ParseNightlyAt("06:30"); err != nil || got.String() != "06:30" {
		t.Errorf("ParseNightlyAt(06:30) = %v, %v", got, err)
	}
	if _, err := ParseNightlyAt("6h"); err == nil {
		t.Error("ParseNightlyAt(6h) took a time that is not HH:MM")
	}
}

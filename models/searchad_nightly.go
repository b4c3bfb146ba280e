package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// The nightly pull (SPEC §14.1): at NALGAE_SEARCHAD_PULL_AT (06:00 Seoul by
// default) every linked campaign of an active program is pulled for the
// last NightlyPullDays days. Several instances may share the database and
// each wakes at that time; the first to insert the night's row into
// job_claims (its primary key is the job and the night) runs the pull, and
// the others find the row and do nothing. The claim is one INSERT, atomic on
// SQLite and PostgreSQL alike; see the README for why this is not River.

// nightlyJob names the nightly pull in job_claims.
const nightlyJob = "searchad-nightly"

// jobClaim is a row of job_claims.
type jobClaim struct {
	Job       string    `gorm:"primaryKey"`
	Slot      string    `gorm:"primaryKey"`
	Holder    string    `gorm:"not null"`
	ClaimedAt time.Time `gorm:"not null"`
}

func (jobClaim) TableName() string { return "job_claims" }

// nightlyActor is who the nightly pull acts as: the system, which may write
// any campaign; a pull never changes an approved day whoever runs it.
var nightlyActor = Actor{Role: RoleAdmin, IP: "nightly-pull"}

// NightlyResult says what one night's run did.
type NightlyResult struct {
	Claimed bool // false: another instance runs this night
	Pulled  int  // campaigns pulled and applied
	Failed  int  // campaigns whose pull failed (last_error says why)
}

// RunNightlyPulls claims the night night for holder and, when the claim is
// won, pulls every linked campaign of an active program for the
// NightlyPullDays days before night.
func (s *Store) RunNightlyPulls(ctx context.Context, night civil.Date, holder string) (NightlyResult, error) {
	claim := jobClaim{Job: nightlyJob, Slot: night.String(), Holder: holder, ClaimedAt: nowUTC()}
	err := s.db.WithContext(ctx).Create(&claim).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return NightlyResult{}, nil
	}
	if err != nil {
		return NightlyResult{}, fmt.Errorf("claim the nightly pull: %w", err)
	}
	var links []SearchAdLink
	err = s.db.WithContext(ctx).Model(&SearchAdLink{}).
		Joins("JOIN campaigns ON campaigns.id = searchad_links.campaign_id").
		Joins("JOIN teams ON teams.id = campaigns.team_id").
		Joins("JOIN programs ON programs.id = teams.program_id").
		Where("programs.status = ?", ProgramActive).Order("searchad_links.id").Find(&links).Error
	if err != nil {
		return NightlyResult{Claimed: true}, fmt.Errorf("nightly pull: list links: %w", err)
	}
	res := NightlyResult{Claimed: true}
	from, to := night.AddDays(-NightlyPullDays), night.AddDays(-1)
	for i := range links {
		l := &links[i]
		pctx, cancel := context.WithTimeout(ctx, pullDeadline)
		out, err := s.pull(pctx, nightlyActor, l, from, to, false, TriggerNightly)
		cancel()
		switch {
		case err != nil:
			res.Failed++
			slog.Warn("nightly pull failed", "campaign_id", l.CampaignID, "err", err)
		case out.Refused():
			res.Failed++
			s.recordPullError(ctx, l, fmt.Sprintf("The nightly pull of %s to %s was refused for %d bad days; pull them by hand to see why.", from, to, len(out.Errors)))
		default:
			res.Pulled++
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
	slog.Info("nightly pull done", "night", night.String(), "campaigns", len(links), "pulled", res.Pulled, "failed", res.Failed)
	return res, nil
}

// NightlyAt is a time of day in Seoul.
type NightlyAt struct{ Hour, Minute int }

// ParseNightlyAt reads "HH:MM".
func ParseNightlyAt(s string) (NightlyAt, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return NightlyAt{}, fmt.Errorf("%q is not a time of day such as 06:00", s)
	}
	return NightlyAt{t.Hour(), t.Minute()}, nil
}

// next is the first moment at a after now, in Seoul.
func (a NightlyAt) next(now time.Time) time.Time {
	now = now.In(civil.Seoul)
	t := time.Date(now.Year(), now.Month(), now.Day(), a.Hour, a.Minute, 0, 0, civil.Seoul)
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// RunNightly runs the nightly pull at a each day until ctx ends. Started
// after a's time of the day, it runs that day's pull at once (unless an
// instance already did), so that a restart across the hour does not skip a
// night.
func (s *Store) RunNightly(ctx context.Context, a NightlyAt, holder string) {
	now := time.Now().In(civil.Seoul)
	today := civil.Of(now)
	if !now.Before(time.Date(now.Year(), now.Month(), now.Day(), a.Hour, a.Minute, 0, 0, civil.Seoul)) {
		if _, err := s.RunNightlyPulls(ctx, today, holder); err != nil && ctx.Err() == nil {
			slog.Error("nightly pull", "err", err)
		}
	}
	for {
		at := a.next(time.Now())
		timer := time.NewTimer(time.Until(at))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if _, err := s.RunNightlyPulls(ctx, civil.Of(at), holder); err != nil && ctx.Err() == nil {
			slog.Error("nightly pull", "err", err)
		}
	}
}

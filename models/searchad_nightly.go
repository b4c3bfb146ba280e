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
// last NightlyPullDays days. The scheduling — one run a night whatever the
// number of instances, retries with backoff — is River's (models/jobs);
// these are the two steps it runs: list the campaigns, pull one.

// nightlyActor is who the nightly pull acts as: the system, which may write
// any campaign; a pull never changes an approved day whoever runs it.
var nightlyActor = Actor{Role: RoleAdmin, IP: "nightly-pull"}

// ErrPullNotRetryable marks a nightly pull that failing again would not
// mend: SearchAd refused the keys (401/403), the keys cannot be opened, or
// SearchAd's days were refused by the import's checks. last_error says why.
var ErrPullNotRetryable = errors.New("not retryable")

// NightlyCampaigns lists the campaigns the nightly pull reads: every
// campaign with a SearchAd link in an active program, by id.
func (s *Store) NightlyCampaigns(ctx context.Context) ([]uint64, error) {
	var ids []uint64
	err := s.db.WithContext(ctx).Model(&SearchAdLink{}).
		Joins("JOIN campaigns ON campaigns.id = searchad_links.campaign_id").
		Joins("JOIN teams ON teams.id = campaigns.team_id").
		Joins("JOIN programs ON programs.id = teams.program_id").
		Where("programs.status = ?", ProgramActive).Order("searchad_links.campaign_id").
		Pluck("searchad_links.campaign_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("nightly pull: list links: %w", err)
	}
	return ids, nil
}

// PullNightly pulls campaignID's NightlyPullDays days before night and
// applies them. A campaign unlinked (or whose program closed) since the
// night's list was made is left alone. An error wrapping
// ErrPullNotRetryable is final; any other may pass on a later try.
func (s *Store) PullNightly(ctx context.Context, campaignID uint64, night civil.Date) error {
	var link SearchAdLink
	err := s.db.WithContext(ctx).Model(&SearchAdLink{}).
		Joins("JOIN campaigns ON campaigns.id = searchad_links.campaign_id").
		Joins("JOIN teams ON teams.id = campaigns.team_id").
		Joins("JOIN programs ON programs.id = teams.program_id").
		Where("searchad_links.campaign_id = ? AND programs.status = ?", campaignID, ProgramActive).
		Take(&link).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("nightly pull: read the link: %w", err)
	}
	from, to := night.AddDays(-NightlyPullDays), night.AddDays(-1)
	pctx, cancel := context.WithTimeout(ctx, pullDeadline)
	out, err := s.pull(pctx, nightlyActor, &link, from, to, false, TriggerNightly)
	cancel()
	var uerr *UpstreamError
	switch {
	case errors.As(err, &uerr) && uerr.Code != "searchad_unavailable":
		return fmt.Errorf("nightly pull of campaign %d: %w: %w", campaignID, ErrPullNotRetryable, err)
	case err != nil:
		return fmt.Errorf("nightly pull of campaign %d: %w", campaignID, err)
	case out.Refused():
		s.recordPullError(ctx, &link, fmt.Sprintf("The nightly pull of %s to %s was refused for %d bad days; pull them by hand to see why.", from, to, len(out.Errors)))
		return fmt.Errorf("nightly pull of campaign %d: %w: %d bad days", campaignID, ErrPullNotRetryable, len(out.Errors))
	}
	slog.Info("nightly pull applied", "campaign_id", campaignID, "night", night.String(), "from", from.String(), "to", to.String())
	return nil
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

// Next is the first moment at a after now, in Seoul (River's schedule).
func (a NightlyAt) Next(now time.Time) time.Time {
	t := a.on(now)
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// Night is the night whose pull is due at now: the Seoul date of the last
// moment at a no later than now.
func (a NightlyAt) Night(now time.Time) civil.Date {
	t := a.on(now)
	if t.After(now) {
		t = t.AddDate(0, 0, -1)
	}
	return civil.Of(t)
}

// on is a on now's Seoul date.
func (a NightlyAt) on(now time.Time) time.Time {
	now = now.In(civil.Seoul)
	return time.Date(now.Year(), now.Month(), now.Day(), a.Hour, a.Minute, 0, 0, civil.Seoul)
}

// String is "HH:MM".
func (a NightlyAt) String() string { return fmt.Sprintf("%02d:%02d", a.Hour, a.Minute) }

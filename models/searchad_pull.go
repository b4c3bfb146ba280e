package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/imports"
	"github.com/nalgae/nalgae/models/searchad"
)

// A pull (SPEC §14.1) reads a linked campaign's days from SearchAd and
// stores them exactly as a file import would (import.go's applyDays):
// preview or apply, all or nothing, unchanged days untouched, new and
// changed days drafts with source "searchad-api". Unlike a file, a pull never
// changes an approved day, whoever asks: it lists it as a warning. Days
// SearchAd does not answer (no activity) create and change nothing.
//
// SearchAd is called before the transaction starts, so that no database
// lock (SQLite's single writer above all) is held while waiting for it.

// SourceSearchAdAPI is the source of entries a pull wrote.
const SourceSearchAdAPI = "searchad-api"

// MaxPullDays bounds one pull's range.
const MaxPullDays = 366

// NightlyPullDays is how far back the nightly pull reads: conversions arrive
// late, so the last week is read again each night.
const NightlyPullDays = 7

// UpstreamError is SearchAd failing a pull (502 in the API). Code is
// searchad_refused (the keys were refused: fix the link) or
// searchad_unavailable (anything else: try again later).
type UpstreamError struct {
	Code    string
	Message string
}

func (e *UpstreamError) Error() string { return e.Message }

// PullInput is a pull's range and mode.
type PullInput struct {
	From, To *civil.Date
	DryRun   *bool
}

// Pull triggers, for /metrics and the audit.
const (
	TriggerManual  = "manual"
	TriggerNightly = "nightly"
)

// PullSearchAd previews or applies SearchAd's days from..to into a linked
// campaign (POST /campaigns/{id}/searchad-pull).
func (s *Store) PullSearchAd(ctx context.Context, actor Actor, campaignID uint64, in PullInput) (*ImportResult, error) {
	tx := s.db.WithContext(ctx)
	_, _, rel, err := loadCampaign(tx, actor, campaignID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canEditWork()); err != nil {
		return nil, err
	}
	p := Problems{}
	p.Check(in.From == nil, "from", "is required")
	p.Check(in.To == nil, "to", "is required")
	p.Check(in.DryRun == nil, "dry_run", "is required (true previews, false applies)")
	if in.From != nil && in.To != nil {
		p.Check(in.To.Before(*in.From), "to", "must not be before from")
		p.Check(in.To.DaysSince(*in.From) >= MaxPullDays, "to", fmt.Sprintf("a pull reads at most %d days", MaxPullDays))
		p.Check(in.To.After(s.today()), "to", "must not be after today")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	link, err := findLink(tx, campaignID)
	if errors.Is(err, ErrNotFound) {
		return nil, Conflict("not_linked", "this campaign is not linked to SearchAd; link it first (PUT /campaigns/%d/searchad-link)", campaignID)
	}
	if err != nil {
		return nil, err
	}
	res, err := s.pull(ctx, actor, link, *in.From, *in.To, *in.DryRun, TriggerManual)
	return res, err
}

// pull calls SearchAd and applies (or previews) its answer.
func (s *Store) pull(ctx context.Context, actor Actor, link *SearchAdLink, from, to civil.Date, dryRun bool, trigger string) (*ImportResult, error) {
	client := s.sources.searchad
	if client == nil {
		return nil, errors.New("searchad pull: no SearchAd client configured")
	}
	cred, err := s.credentials(link)
	if err != nil {
		// A key rotated away without its old key, or a damaged row.
		msg := "The stored keys cannot be opened with this server's secret key; link the campaign again."
		s.recordPullError(ctx, link, msg)
		s.countPull(trigger, "failed")
		slog.Warn("searchad pull: cannot open the keys", "campaign_id", link.CampaignID, "err", err)
		return nil, &UpstreamError{Code: "searchad_keys_unreadable", Message: msg}
	}
	days, err := client.Stats(ctx, cred, link.SearchAdCampaignID, from, to)
	if err != nil {
		var refused *searchad.RefusedError
		uerr := &UpstreamError{Code: "searchad_unavailable", Message: "SearchAd could not be read: " + err.Error()}
		outcome := "failed"
		if errors.As(err, &refused) {
			uerr = &UpstreamError{Code: "searchad_refused", Message: refused.Error() + "; check the customer id, API key and secret key of the link."}
			outcome = "refused"
		}
		if ctx.Err() == nil {
			s.recordPullError(ctx, link, uerr.Message)
		}
		s.countPull(trigger, outcome)
		return nil, uerr
	}
	run := pullRun(days, from, to, dryRun)
	run.auditExtra = map[string]any{"source": SourceSearchAdAPI, "searchad_campaign_id": link.SearchAdCampaignID,
		"from": from.String(), "to": to.String(), "trigger": trigger}
	err = s.applyDays(ctx, actor, link.CampaignID, run, func(tx *gorm.DB) error {
		if dryRun {
			return nil
		}
		now := nowUTC()
		return tx.Model(&SearchAdLink{}).Where("id = ?", link.ID).
			Updates(map[string]any{"last_pulled_at": now, "last_error": "", "last_error_at": nil}).Error
	})
	if err != nil {
		s.countPull(trigger, "failed")
		return nil, err
	}
	switch {
	case run.result.Refused():
		s.countPull(trigger, "rejected")
	case dryRun:
		s.countPull(trigger, "previewed")
	default:
		s.countPull(trigger, "applied")
	}
	return run.result, nil
}

// pullRun makes SearchAd's days into an import run: each day a "line" (its
// place in SearchAd's answer, from 1) whose columns are SearchAd's field
// names, so that a problem points at what SearchAd sent.
func pullRun(days []searchad.Day, from, to civil.Date, dryRun bool) *importRun {
	parsed := &imports.Parsed{
		Layout: imports.LayoutSearchAd, Container: "api", Encoding: "utf-8", RowsRead: len(days),
		Columns: map[string]string{"date": "dateStart", "impressions": "impCnt", "clicks": "clkCnt",
			"spend_krw": "salesAmt", "conversions": "ccnt", "revenue_krw": "convAmt"},
	}
	for i, d := range days {
		if d.Date.Before(from) || d.Date.After(to) {
			parsed.Warnings = append(parsed.Warnings, imports.Issue{Line: i + 1, Column: "dateStart",
				Message: fmt.Sprintf("SearchAd answered %s, outside %s to %s; left out", d.Date, from, to)})
			continue
		}
		parsed.Days = append(parsed.Days, imports.Day{Date: d.Date, Lines: []int{i + 1},
			Impressions: ptr(d.Impressions), Clicks: ptr(d.Clicks), SpendKRW: ptr(d.SpendKRW),
			Conversions: ptr(d.Conversions), RevenueKRW: ptr(d.RevenueKRW)})
	}
	// What the audit's sha256 covers: SearchAd's figures as read, no keys.
	data, _ := json.Marshal(days)
	run := newImportRun(ImportFile{Name: SourceSearchAdAPI, Data: data}, parsed, dryRun)
	run.result.Format = "searchad_api"
	run.pulled = true
	return run
}

// recordPullError keeps a failed pull's reason on the link (the campaign
// page shows it). It is bookkeeping of the link, not a change of anyone's
// data, so it leaves no audit event.
func (s *Store) recordPullError(ctx context.Context, link *SearchAdLink, msg string) {
	msg = strings.TrimSpace(msg)
	if r := []rune(msg); len(r) > 500 {
		msg = string(r[:500])
	}
	now := nowUTC()
	err := s.db.WithContext(ctx).Model(&SearchAdLink{}).Where("id = ?", link.ID).
		Updates(map[string]any{"last_error": msg, "last_error_at": now}).Error
	if err != nil {
		slog.Warn("searchad pull: record the error", "campaign_id", link.CampaignID, "err", err)
	}
	link.LastError, link.LastErrorAt = msg, &now
}

// pullDeadline bounds one nightly pull of one campaign.
const pullDeadline = 2 * time.Minute

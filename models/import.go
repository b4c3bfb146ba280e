package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/imports"
)

// Imports (SPEC §5) store what models/imports reads from a file: a Naver
// SearchAd report or the live-commerce template into a campaign's daily
// entries, a Smart Store export or the sales template into a team's sales
// records. A preview and an apply run the same code in one transaction, with
// the same access and validation rules as entering the numbers by hand; a
// preview, or an apply that found any error, rolls it back. Decisions where
// SPEC is silent:
//
//   - Upsert keys: an entry by campaign and date, a sales record by team,
//     period and channel. A day whose figures equal the stored ones is
//     "unchanged" and left alone (its version and source too), so that
//     importing the same file again creates and updates nothing.
//   - An apply that changes nothing writes no AuditEvent: the log records
//     writes, and nothing was written. An apply that writes appends exactly
//     one, action "import", entity "metric" or "sales", whose after names the
//     file, its SHA-256, the format, encoding and counts.
//   - New entries and records are drafts whose source is "import:<file
//     name>". An updated one takes that source too, and follows the rules of
//     a manual edit: an approved one can only be changed by a professor or
//     admin (a student's import of it is refused, as a row error, and so the
//     whole file); a student's change of a submitted or returned one puts it
//     back to draft; a changed sales record loses its merchant confirmation.
//   - Only the columns a file has are written: a report without 전환매출액
//     leaves an existing entry's revenue as it is.
//   - A SearchAd report imports into search_ad and shopping_ad campaigns,
//     the live-commerce template into live_commerce ones.

// ImportFile is an uploaded file.
type ImportFile struct {
	Name string
	Data []byte
}

// ImportResult is the answer of an import, preview and apply alike (SPEC §5).
// days counts the distinct days (entries) or periods (sales records) the
// file gives; created, updated and unchanged split them.
type ImportResult struct {
	DryRun    bool            `json:"dry_run"`
	Format    string          `json:"format"`
	Encoding  string          `json:"encoding"`
	RowsRead  int             `json:"rows_read"`
	Days      int             `json:"days"`
	Created   int             `json:"created"`
	Updated   int             `json:"updated"`
	Unchanged int             `json:"unchanged"`
	Errors    []imports.Issue `json:"errors"`
	Warnings  []imports.Issue `json:"warnings"`
	// Changes lists, for a SearchAd pull, each day that is (or would be)
	// created or updated, or kept because it is approved, with SearchAd's
	// figures, so that a preview shows what an apply would do. A file
	// import answers it empty: the file is on the student's screen already.
	Changes []ImportChange `json:"changes"`
}

// ImportChange is one day of a pull's Changes.
type ImportChange struct {
	Date civil.Date `json:"date"`
	// Action is created, updated or kept_approved.
	Action      string `json:"action"`
	SpendKRW    int64  `json:"spend_krw"`
	RevenueKRW  int64  `json:"revenue_krw"`
	Impressions int64  `json:"impressions"`
	Clicks      int64  `json:"clicks"`
	Conversions int64  `json:"conversions"`
}

// Refused reports whether an apply was refused for the file's errors.
func (r *ImportResult) Refused() bool { return !r.DryRun && len(r.Errors) > 0 }

// errRollback ends a preview's (or a refused apply's) transaction.
var errRollback = errors.New("import: roll back")

// importRun is one import being planned and, unless rolled back, written.
type importRun struct {
	file     ImportFile
	parsed   *imports.Parsed
	result   *ImportResult
	errors   []imports.Issue
	warnings []imports.Issue
	// pulled marks a SearchAd pull (searchad_pull.go): its rows' source is
	// "searchad-api", and an approved day is left as it is, with a warning,
	// whoever pulls (SPEC §14.1).
	pulled bool
	// auditExtra is added to the import's audit event.
	auditExtra map[string]any
}

func newImportRun(file ImportFile, p *imports.Parsed, dryRun bool) *importRun {
	return &importRun{file: file, parsed: p, result: &ImportResult{
		DryRun: dryRun, Format: p.Format(), Encoding: p.Encoding, RowsRead: p.RowsRead, Changes: []ImportChange{},
	}}
}

// source is what an imported row's source says: the file it came from.
func (r *importRun) source() string {
	if r.pulled {
		return SourceSearchAdAPI
	}
	name := strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return -1
		}
		return c
	}, importBaseName(r.file.Name))
	if name == "" {
		name = "upload"
	}
	if n := []rune(name); len(n) > 200 {
		name = string(n[:200])
	}
	return "import:" + name
}

func importBaseName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	return name[strings.LastIndex(name, "/")+1:]
}

// fail records a problem of a day or record made from lines.
func (r *importRun) fail(lines []int, column, message string) {
	if len(lines) > 1 {
		message += fmt.Sprintf(" (the sum of lines %s)", joinLines(lines))
	}
	r.errors = append(r.errors, imports.Issue{Line: lines[0], Column: column, Message: message})
}

func (r *importRun) warn(lines []int, column, message string) {
	r.warnings = append(r.warnings, imports.Issue{Line: lines[0], Column: column, Message: message})
}

func joinLines(lines []int) string {
	parts := make([]string, 0, min(len(lines), 6))
	for i, l := range lines {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("… %d in all", len(lines)))
			break
		}
		parts = append(parts, fmt.Sprint(l))
	}
	return strings.Join(parts, ", ")
}

// column is the file's header for a model's field; a sales record's period
// comes from the date column of a Smart Store export.
func (r *importRun) column(field string) string {
	if name, ok := r.parsed.Columns[field]; ok {
		return name
	}
	if field == "period_start" || field == "period_end" {
		if name, ok := r.parsed.Columns["date"]; ok {
			return name
		}
	}
	return field
}

// failWith turns a model's refusal of a row into row errors: each invalid
// field under the file's column for it, a refused edit under the date.
func (r *importRun) failWith(lines []int, dateField, what string, err error) error {
	var verr *ValidationError
	var cerr *ConflictError
	switch {
	case errors.As(err, &verr):
		fields := make([]string, 0, len(verr.Fields))
		for f := range verr.Fields {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			r.fail(lines, r.column(f), verr.Fields[f])
		}
	case errors.Is(err, ErrForbidden):
		r.fail(lines, r.column(dateField), what+" is approved: only a professor of the program or an admin can change it")
	case errors.As(err, &cerr):
		r.fail(lines, r.column(dateField), cerr.Message)
	default:
		return err
	}
	return nil
}

// finish builds the answer and, for an apply that writes, its audit event.
func (r *importRun) finish(entity string, programID uint64, target map[string]any) ([]audit, error) {
	res := r.result
	res.Errors = imports.Finish(append(r.parsed.Errors, r.errors...), r.parsed.ErrorsLeftOut)
	res.Warnings = imports.Finish(append(r.parsed.Warnings, r.warnings...), r.parsed.WarningsLeftOut)
	if res.DryRun || len(res.Errors) > 0 {
		return nil, errRollback
	}
	if res.Created+res.Updated == 0 {
		return nil, nil // nothing written, nothing to audit
	}
	sum := sha256.Sum256(r.file.Data)
	after := map[string]any{
		"file": importBaseName(r.file.Name), "sha256": hex.EncodeToString(sum[:]), "format": res.Format, "encoding": res.Encoding,
		"rows_read": res.RowsRead, "days": res.Days, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged,
	}
	for k, v := range target {
		after[k] = v
	}
	return []audit{{action: "import", entity: entity, programID: programID, after: after}}, nil
}

// CanImportMetrics checks, before an upload is read, that the actor may
// import into the campaign: 404 outside their reach, 403 when they may only
// read it.
func (s *Store) CanImportMetrics(ctx context.Context, actor Actor, campaignID uint64) error {
	_, _, rel, err := loadCampaign(s.db.WithContext(ctx), actor, campaignID)
	if err != nil {
		return err
	}
	return allow(rel, rel.canEditWork())
}

// CanImportSales is CanImportMetrics for a team's sales.
func (s *Store) CanImportSales(ctx context.Context, actor Actor, teamID uint64) error {
	_, rel, err := loadTeam(s.db.WithContext(ctx), actor, teamID)
	if err != nil {
		return err
	}
	return allow(rel, rel.canEditWork())
}

// ImportMetrics previews (dryRun) or applies a file into a campaign's daily
// entries. A file that cannot be read at all is an *imports.FileError; a
// file with bad rows is a result with errors (and, applied, Refused).
func (s *Store) ImportMetrics(ctx context.Context, actor Actor, campaignID uint64, file ImportFile, dryRun bool) (*ImportResult, error) {
	if err := s.CanImportMetrics(ctx, actor, campaignID); err != nil {
		return nil, err
	}
	parsed, err := imports.ParseMetrics(file.Name, file.Data)
	if err != nil {
		return nil, err
	}
	run := newImportRun(file, parsed, dryRun)
	if err := s.applyDays(ctx, actor, campaignID, run, nil); err != nil {
		return nil, err
	}
	// Counting completed imports for Prometheus goes here.
	return run.result, nil
}

// applyDays is the one way days reach a campaign's entries, from a file or
// from a SearchAd pull: in one transaction, all or nothing, a preview
// rolled back. (The locks of SPEC §11.3 belong here, so that they hold for
// pulls as for files.) also, when not nil, runs in the same transaction
// after an apply that was not refused.
func (s *Store) applyDays(ctx context.Context, actor Actor, campaignID uint64, run *importRun, also func(tx *gorm.DB) error) error {
	run.result.Days = len(run.parsed.Days)
	target := map[string]any{"campaign_id": campaignID}
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		c, t, rel, err := loadCampaign(tx, actor, campaignID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := checkImportKind(run.parsed.Layout, c.Kind); err != nil {
			return nil, err
		}
		if err := s.upsertDays(tx, run, rel, c); err != nil {
			return nil, err
		}
		for k, v := range run.auditExtra {
			target[k] = v
		}
		events, err := run.finish("metric", t.ProgramID, target)
		if err == nil && also != nil {
			err = also(tx)
		}
		return events, err
	})
	if err != nil && !errors.Is(err, errRollback) {
		return err
	}
	return nil
}

// checkImportKind keeps each layout to the campaigns it reports.
func checkImportKind(layout imports.Layout, kind Kind) error {
	switch {
	case layout == imports.LayoutLiveTemplate && kind != KindLiveCommerce:
		return &imports.FileError{Kind: imports.Unrecognised, Message: fmt.Sprintf(
			"This is the live-commerce template; it imports into live_commerce campaigns, and this campaign is %s.", kind)}
	case layout == imports.LayoutSearchAd && kind != KindSearchAd && kind != KindShoppingAd:
		return &imports.FileError{Kind: imports.Unrecognised, Message: fmt.Sprintf(
			"This is a Naver SearchAd report; it imports into search_ad and shopping_ad campaigns, and this campaign is %s.", kind)}
	}
	return nil
}

// upsertDays creates, updates or leaves each day's entry.
func (s *Store) upsertDays(tx *gorm.DB, run *importRun, rel relation, c *Campaign) error {
	days := run.parsed.Days
	existing := map[civil.Date]*MetricEntry{}
	for start := 0; start < len(days); start += 500 {
		dates := make([]civil.Date, 0, 500)
		for _, d := range days[start:min(start+500, len(days))] {
			dates = append(dates, d.Date)
		}
		var rows []MetricEntry
		if err := tx.Where("campaign_id = ? AND date IN ?", c.ID, dates).Find(&rows).Error; err != nil {
			return fmt.Errorf("load entries: %w", err)
		}
		for i := range rows {
			existing[rows[i].Date] = &rows[i]
		}
	}
	if err := checkImportDays(tx, c, run, existing); err != nil {
		return err
	}
	today, source := s.today(), run.source()
	// New days are inserted together at the end, a few hundred rows a
	// statement: one statement (and one firing of the summary triggers)
	// instead of one a day.
	var created []MetricEntry
	for _, d := range days {
		date := d.Date
		in := MetricInput{Date: &date, SpendKRW: d.SpendKRW, Impressions: d.Impressions, Clicks: d.Clicks,
			Conversions: d.Conversions, RevenueKRW: d.RevenueKRW, Viewers: d.Viewers, PeakViewers: d.PeakViewers,
			Likes: d.Likes, Comments: d.Comments, DurationMin: d.DurationMin}
		if date.Before(c.StartsOn) || (!c.EndsOn.IsZero() && date.After(c.EndsOn)) {
			run.warn(d.Lines, run.column("date"), fmt.Sprintf("%s is outside the campaign's dates (%s to %s); imported all the same",
				date, c.StartsOn, orOpen(c.EndsOn)))
		}
		if m, ok := existing[date]; ok {
			changed := *m
			in.apply(&changed)
			if sameFigures(&changed, m) {
				run.result.Unchanged++
				continue
			}
			if run.pulled && m.Status == StatusApproved {
				run.warn(d.Lines, run.column("date"), "The entry of "+date.String()+" is approved: SearchAd's figures differ, and the approved ones are kept")
				run.result.Unchanged++
				run.change(d, "kept_approved")
				continue
			}
			m.Source = source
			if err := updateMetric(tx, rel, c, m, in, today); err != nil {
				if err := run.failWith(d.Lines, "date", "The entry of "+date.String(), err); err != nil {
					return err
				}
				continue
			}
			run.result.Updated++
			run.change(d, "updated")
			continue
		}
		entry := MetricEntry{CampaignID: c.ID, Status: StatusDraft, Source: source, Version: 1}
		in.apply(&entry)
		if err := entry.validate(c.Kind, today); err != nil {
			if err := run.failWith(d.Lines, "date", "", err); err != nil {
				return err
			}
			continue
		}
		created = append(created, entry)
		run.change(d, "created")
	}
	if len(created) > 0 {
		if err := tx.CreateInBatches(&created, importInsertBatch).Error; err != nil {
			return fmt.Errorf("create entries: %w", err)
		}
		run.result.Created += len(created)
	}
	return nil
}

// importInsertBatch is how many new entries one INSERT of an import
// carries: SQLite allows 32766 bind parameters a statement, and an entry
// has about 25 columns.
const importInsertBatch = 1000

// change lists a pulled day in the answer's Changes (file imports do not).
func (run *importRun) change(d imports.Day, action string) {
	if !run.pulled {
		return
	}
	v := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	run.result.Changes = append(run.result.Changes, ImportChange{Date: d.Date, Action: action, SpendKRW: v(d.SpendKRW),
		RevenueKRW: v(d.RevenueKRW), Impressions: v(d.Impressions), Clicks: v(d.Clicks), Conversions: v(d.Conversions)})
}

func orOpen(d civil.Date) string {
	if d.IsZero() {
		return "open"
	}
	return d.String()
}

// sameFigures compares what an import writes.
func sameFigures(a, b *MetricEntry) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Date == b.Date && a.SpendKRW == b.SpendKRW && a.Impressions == b.Impressions && a.Clicks == b.Clicks &&
		a.Conversions == b.Conversions && a.RevenueKRW == b.RevenueKRW && eq(a.Viewers, b.Viewers) &&
		eq(a.PeakViewers, b.PeakViewers) && eq(a.Likes, b.Likes) && eq(a.Comments, b.Comments) && eq(a.DurationMin, b.DurationMin)
}

// ImportSales previews (dryRun) or applies a file into a team's sales
// records; see ImportMetrics.
func (s *Store) ImportSales(ctx context.Context, actor Actor, teamID uint64, file ImportFile, dryRun bool) (*ImportResult, error) {
	if err := s.CanImportSales(ctx, actor, teamID); err != nil {
		return nil, err
	}
	parsed, err := imports.ParseSales(file.Name, file.Data)
	if err != nil {
		return nil, err
	}
	run := newImportRun(file, parsed, dryRun)
	run.result.Days = len(parsed.Sales)
	err = s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canEditWork()); err != nil {
			return nil, err
		}
		if err := s.upsertSales(tx, run, rel, t); err != nil {
			return nil, err
		}
		return run.finish("sales", t.ProgramID, map[string]any{"team_id": t.ID})
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	// Counting completed imports for Prometheus goes here.
	return run.result, nil
}

// salesKey is how an import matches a stored sales record.
type salesKey struct {
	start, end civil.Date
	channel    string
}

// upsertSales creates, updates or leaves each record, with the rules of
// CreateSales and UpdateSales: validation, the overlap check (against the
// stored records and the file's own earlier rows, already written in this
// transaction), the edit rules of review, and a changed record losing its
// merchant confirmation.
func (s *Store) upsertSales(tx *gorm.DB, run *importRun, rel relation, t *Team) error {
	var stored []SalesRecord
	if err := tx.Where("team_id = ?", t.ID).Find(&stored).Error; err != nil {
		return fmt.Errorf("load sales: %w", err)
	}
	existing := map[salesKey]*SalesRecord{}
	for i := range stored {
		r := &stored[i]
		existing[salesKey{r.PeriodStart, r.PeriodEnd, r.Channel}] = r
	}
	if err := checkImportSales(tx, t, run, existing); err != nil {
		return err
	}
	today, source := s.today(), run.source()
	for _, sale := range run.parsed.Sales {
		start, end, channel, amount := sale.PeriodStart, sale.PeriodEnd, sale.Channel, sale.SalesKRW
		in := SalesInput{PeriodStart: &start, PeriodEnd: &end, Channel: &channel, SalesKRW: &amount, Orders: sale.Orders}
		what := fmt.Sprintf("The sales record of %s to %s (%s)", start, end, channel)
		r, ok := existing[salesKey{start, end, channel}]
		if ok {
			if r.SalesKRW == amount && (sale.Orders == nil || deref(r.Orders, -1) == *sale.Orders) {
				run.result.Unchanged++
				continue
			}
			loaded := r.Version
			if err := r.edit(tx, rel, in, today); err != nil {
				if err := run.failWith(sale.Lines, "period_start", what, err); err != nil {
					return err
				}
				continue
			}
			r.Source = source
			if err := saveVersioned(tx, r, r.ID, loaded); err != nil {
				if err := run.failWith(sale.Lines, "period_start", what, err); err != nil {
					return err
				}
				continue
			}
			run.result.Updated++
			continue
		}
		rec := SalesRecord{TeamID: t.ID, Status: StatusDraft, Source: source, Version: 1}
		in.apply(&rec)
		err := rec.validate(today)
		if err == nil {
			err = rec.checkOverlap(tx)
		}
		if err != nil {
			if err := run.failWith(sale.Lines, "period_start", what, err); err != nil {
				return err
			}
			continue
		}
		if err := tx.Create(&rec).Error; err != nil {
			return fmt.Errorf("create sales: %w", err)
		}
		run.result.Created++
	}
	return nil
}

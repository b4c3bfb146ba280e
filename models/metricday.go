package models

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nalgae/nalgae/models/auditchain"
)

// logNewDayPostgres logs a new day of a campaign on PostgreSQL in one
// autocommitted statement: the checks loadCampaignStatus makes, the
// entry's insert (its summary triggers run with it) and its audit event,
// linked and hashed as appendOnePostgres links and hashes one. A student
// logging today is the write made most; as one statement it costs one
// round trip and one commit instead of five round trips (BEGIN, the
// campaign, the entry, the event, COMMIT), which on two cores was most of
// a write's time in the kernel and the server (issue 17's profile).
//
// It writes nothing and answers ok=false whenever the day is not a plain
// new day the actor may log: the campaign missing or out of reach, a
// refused token, a closed program, an input not valid for the campaign's
// kind, the day already there, or every audit chain head held by another
// writer. upsertMetric then takes its general path, which finds the
// precise answer (404, 401, 409, 422, or the existing day updated).
//
// Rows are locked in the order every writer takes them: the team's stamp
// first (20261232_pg_summaries), then an audit chain head.
func (s *Store) logNewDayPostgres(ctx context.Context, actor Actor, tok *TokenUser, campaignID uint64, in MetricInput) (m *MetricEntry, ok bool, err error) {
	related, rel, args := relatedTeamSQL(actor)
	if !rel.canEditWork() {
		return nil, false, nil
	}
	now := nowUTC()
	entry := MetricEntry{CampaignID: campaignID, Status: StatusDraft, Source: "manual", Version: 1, CreatedAt: now, UpdatedAt: now}
	in.apply(&entry)
	today := s.today()
	var kinds []string // the kinds of campaign the entry is valid for
	for _, k := range Kinds {
		if entry.validate(k, today) == nil {
			kinds = append(kinds, string(k))
		}
	}
	if len(kinds) == 0 {
		return nil, false, nil
	}
	// The event's after is the entry as answered; only its id, first of
	// its fields, is the database's to write.
	after, err := json.Marshal(entry)
	if err != nil {
		return nil, false, fmt.Errorf("encode entry: %w", err)
	}
	afterRest, found := bytes.CutPrefix(after, []byte(`{"id":0`))
	if !found {
		return nil, false, fmt.Errorf("encode entry: %q does not start with its id", after)
	}
	userOK := "1"
	if tok != nil {
		userOK = `(SELECT CASE WHEN NOT users.disabled AND users.token_version = ? AND users.role = ? THEN 1 ELSE 0 END
			FROM users WHERE users.id = ?)`
		args = append(args, tok.TokenVersion, string(tok.Role), tok.UserID)
	}
	var user *uint64
	if actor.UserID != 0 {
		user = ptr(actor.UserID)
	}
	// The event's hashed content (auditchain): the fields before entity_id
	// are written here, entity_id, program_id and after by the statement.
	contentStart := auditchain.Field(auditchain.TimeText(now)) + auditchain.Field(auditchain.IDText(user)) +
		auditchain.Field("create") + auditchain.Field("metric")
	contentEnd := auditchain.Field(actor.IP)
	field := func(expr string) string {
		return "octet_length(" + expr + ")::text || ':' || " + expr + " || ','"
	}
	query := `WITH target AS (
		SELECT teams.id AS team_id, teams.program_id FROM campaigns
		JOIN teams ON teams.id = campaigns.team_id JOIN programs ON programs.id = teams.program_id
		WHERE ` + related + ` = 1 AND ` + userOK + ` = 1 AND campaigns.id = ? AND campaigns.kind IN ? AND programs.status <> ?
	), stamp AS (
		SELECT team_stamps.team_id FROM team_stamps JOIN target ON target.team_id = team_stamps.team_id FOR UPDATE OF team_stamps
	), head AS (
		SELECT id, last_hash FROM audit_chain_head WHERE (SELECT count(*) FROM stamp) = 1
		ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
	), entry AS (
		INSERT INTO metric_entries (campaign_id, date, spend_krw, impressions, clicks, conversions, revenue_krw,
			viewers, peak_viewers, likes, comments, duration_min, status, review_note, source, version, created_at, updated_at)
		SELECT ?::bigint, ?::date, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint,
			?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::text, ?::text, ?::text, ?::bigint, ?::timestamptz, ?::timestamptz
		FROM target, head
		ON CONFLICT (campaign_id, date) DO NOTHING
		RETURNING id
	), event AS (
		INSERT INTO audit_events (at, user_id, action, entity, entity_id, program_id, before, after, ip, prev_hash, hash, chain,
			created_at, updated_at)
		SELECT ?::timestamptz, ?::bigint, 'create', 'metric', entry.id, target.program_id, '', e.after, ?::text, head.last_hash,
			encode(sha256(convert_to(?::text || ` + field("head.last_hash") + ` || ?::text || ` + field("entry.id::text") + ` || ` +
		field("target.program_id::text") + ` || ?::text || ` + field("e.after") + ` || ?::text, 'UTF8')), 'hex'),
			head.id, ?::timestamptz, ?::timestamptz
		FROM entry, target, head, LATERAL (SELECT '{"id":' || entry.id::text || ?::text AS after) e
		RETURNING id, hash, chain
	), moved AS (
		UPDATE audit_chain_head SET last_id = event.id, last_hash = event.hash, events = audit_chain_head.events + 1, updated_at = ?
		FROM event WHERE audit_chain_head.id = event.chain
	)
	SELECT entry.id, target.program_id FROM entry, target`
	args = append(args, campaignID, kinds, ProgramClosed,
		entry.CampaignID, entry.Date, entry.SpendKRW, entry.Impressions, entry.Clicks, entry.Conversions, entry.RevenueKRW,
		entry.Viewers, entry.PeakViewers, entry.Likes, entry.Comments, entry.DurationMin,
		string(entry.Status), entry.ReviewNote, entry.Source, entry.Version, entry.CreatedAt, entry.UpdatedAt,
		now, user, actor.IP, auditchain.VersionField, contentStart, auditchain.Field(""), contentEnd, now, now, string(afterRest), now)
	var programID uint64
	err = s.db.WithContext(ctx).Raw(query, args...).Row().Scan(&entry.ID, &programID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("log a new day of campaign %d: %w", campaignID, err)
	}
	return &entry, true, nil
}

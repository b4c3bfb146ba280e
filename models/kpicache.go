package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// kpiCacheSize bounds the KPI answers kept: every team's default answer of
// a nationwide program of ten thousand teams (`make bench BENCH_TEAMS=10000`,
// computed in one pass: programBatchLimit) and as many campaign and filtered
// answers besides, a few KB each.
const kpiCacheSize = 32768

// kpiCache keeps computed KPI answers of teams and campaigns. An answer is
// served again only while its team's stamp (team_stamps, moved by the
// database in every transaction that changes what the answer is computed
// from) is the one it was computed under, and only on the day it was
// computed for (windows end "today"). The stamp lives in the database, so
// every instance sees a write of any other at once; the cache itself is
// private to an instance and needs no invalidation messages.
type kpiCache struct {
	entries *lru.Cache[kpiCacheKey, kpiCacheEntry]
	// programs computes a program's default team answers once at a time
	// however many requests miss them together.
	programs singleflight.Group
}

// kpiCacheKey names one answer: what (team or campaign) and its query.
type kpiCacheKey struct {
	kind  string // "team" or "campaign"
	id    uint64
	today civil.Date
	query string // the KPIQuery, spelled out
}

// kpiCacheEntry is a kept answer and the team state it was computed under:
// the team and its stamp. The team is kept too because a campaign moved to
// another team is the same key, and on SQLite stamps count per team, so the
// new team's stamp could equal the old one's by chance.
type kpiCacheEntry struct {
	teamID uint64
	stamp  int64
	answer any // *TeamKPIs or *CampaignKPIs, never changed once stored
}

func newKPICache() *kpiCache {
	entries, err := lru.New[kpiCacheKey, kpiCacheEntry](kpiCacheSize)
	if err != nil {
		panic(fmt.Sprintf("kpi cache: %v", err)) // only for a size below 1
	}
	return &kpiCache{entries: entries}
}

// teamStamp reads where team's stamp stands (0 before its first change).
func teamStamp(tx *gorm.DB, teamID uint64) (int64, error) {
	var stamp int64
	err := tx.Table("team_stamps").Select("stamp").Where("team_id = ?", teamID).Take(&stamp).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("team stamp: %w", err)
	}
	return stamp, nil
}

// keptKPIs is key's kept answer if it was computed under team's stamp.
func keptKPIs[T any](s *Store, key kpiCacheKey, teamID uint64, stamp int64) (*T, bool) {
	if e, ok := s.kpis.entries.Get(key); ok && e.teamID == teamID && e.stamp == stamp {
		answer, ok := e.answer.(*T)
		return answer, ok
	}
	return nil, false
}

// loadTeamStamped is loadTeam that also reads the team's stamp and the
// actor's relation to the team (teamRelation, as SQL) in the same statement:
// a kept answer then costs this one query. Only the team's keys are read
// (access rules and KPIs need no more).
func loadTeamStamped(tx *gorm.DB, actor Actor, teamID uint64) (*Team, int64, error) {
	related, rel, args := relatedTeamSQL(actor)
	var team Team
	var stamp, isRelated int64
	err := tx.Raw(`SELECT teams.id, teams.program_id, teams.merchant_id, COALESCE(team_stamps.stamp, 0), `+related+`
		FROM teams LEFT JOIN team_stamps ON team_stamps.team_id = teams.id WHERE teams.id = ?`, append(args, teamID)...).
		Row().Scan(&team.ID, &team.ProgramID, &team.MerchantID, &stamp, &isRelated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("load team %d: %w", teamID, err)
	}
	if isRelated == 0 || !rel.canRead() {
		return nil, 0, ErrNotFound
	}
	return &team, stamp, nil
}

// TokenUser is what a verified access token says of its user before the
// user row is read: who, in which role, under which token version, and the
// address the request came from.
type TokenUser struct {
	UserID       uint64
	Role         Role
	TokenVersion int64
	IP           string
}

// loadTeamStampedByToken is loadTeamStamped for a TokenUser: the same
// statement also checks the user row as authentication does (ActiveUser:
// the user exists, is not disabled and is at the token's version, so the
// token's role is still the user's). A user who fails that check gets
// ErrUnauthorized whether or not the team exists.
func loadTeamStampedByToken(tx *gorm.DB, tok TokenUser, teamID uint64) (*Team, int64, error) {
	actor := Actor{UserID: tok.UserID, Role: tok.Role, IP: tok.IP}
	related, rel, args := relatedTeamSQL(actor)
	var row stampedTeamRow
	err := tx.Raw(`SELECT NOT users.disabled AND users.token_version = ? AND users.role = ?,
			teams.id, teams.program_id, teams.merchant_id, COALESCE(team_stamps.stamp, 0), `+related+`
		FROM users LEFT JOIN teams ON teams.id = ? LEFT JOIN team_stamps ON team_stamps.team_id = teams.id
		WHERE users.id = ?`, append(append([]any{tok.TokenVersion, string(tok.Role)}, args...), teamID, tok.UserID)...).
		Row().Scan(row.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, ErrUnauthorized
	}
	if err != nil {
		return nil, 0, fmt.Errorf("load team %d: %w", teamID, err)
	}
	return row.answer(rel)
}

// stampedTeamRow is what the statement of loadTeamStampedByToken, alone or
// shared (teamaccess_batch.go), reads for one request: whether the token's
// user passes, the team's keys (NULL for no such team), its stamp and
// whether the user stands to it in the role's relation.
type stampedTeamRow struct {
	active                    bool
	id, programID, merchantID sql.NullInt64
	stamp, related            int64
}

func (r *stampedTeamRow) fields() []any {
	return []any{&r.active, &r.id, &r.programID, &r.merchantID, &r.stamp, &r.related}
}

// answer is the row's verdict for a user in relation rel: ErrUnauthorized
// for a refused token, whether or not the team exists; ErrNotFound for a
// team that is not there or not the user's to read; else the team.
func (r *stampedTeamRow) answer(rel relation) (*Team, int64, error) {
	if !r.active {
		return nil, 0, ErrUnauthorized
	}
	if !r.id.Valid || r.related == 0 || !rel.canRead() {
		return nil, 0, ErrNotFound
	}
	return &Team{ID: uint64(r.id.Int64), ProgramID: uint64(r.programID.Int64), MerchantID: uint64(r.merchantID.Int64)}, r.stamp, nil
}

// relatedTeamSQL is teamRelation as a column over a row of teams: 1 when
// actor stands to the team as rel, else 0 (with its bind arguments).
func relatedTeamSQL(actor Actor) (string, relation, []any) {
	related, rel, args, byUser := teamRelationSQL(actor.Role, "?")
	if byUser {
		args = append(args, actor.UserID)
	}
	return related, rel, args
}

// teamRelationSQL is teamRelation as a column over a row of teams for a
// user of role whose id is the SQL expression user: 1 when the user stands
// to the team as rel, else 0. args are the bind arguments before user's
// place, and byUser tells whether user appears at all (it comes last).
func teamRelationSQL(role Role, user string) (related string, rel relation, args []any, byUser bool) {
	exists := func(q string) string { return "CASE WHEN EXISTS (" + q + ") THEN 1 ELSE 0 END" }
	rel = roleRelation(role)
	switch role {
	case RoleAdmin:
		return "1", rel, nil, false
	case RoleProfessor, RoleCity:
		return exists(`SELECT 1 FROM program_staff WHERE program_staff.program_id = teams.program_id
			AND program_staff.role = ? AND program_staff.user_id = ` + user), rel, []any{string(role)}, true
	case RoleStudent:
		return exists(`SELECT 1 FROM team_members WHERE team_members.team_id = teams.id AND team_members.user_id = ` + user),
			rel, nil, true
	case RoleMerchant:
		return exists(`SELECT 1 FROM merchants WHERE merchants.id = teams.merchant_id AND merchants.owner_user_id = ` + user),
			rel, nil, true
	}
	return "0", rel, nil, false
}

// roleRelation is the relation to a team that teamRelationSQL's column
// tests for a user of role (0 for a role that has none).
func roleRelation(role Role) relation {
	switch role {
	case RoleAdmin:
		return relAdmin
	case RoleProfessor:
		return relProfessor
	case RoleCity:
		return relCity
	case RoleStudent:
		return relMember
	case RoleMerchant:
		return relOwner
	}
	return 0
}

// cachedKPIs answers from the cache when it holds key's answer computed
// under the team's current stamp, and otherwise computes it and keeps it.
// The stamp must be read before computing: a write that lands meanwhile
// moves it, so an answer that might have missed that write is never served
// again.
func cachedKPIs[T any](s *Store, teamID uint64, stamp int64, key kpiCacheKey, compute func() (*T, error)) (*T, error) {
	if answer, ok := keptKPIs[T](s, key, teamID, stamp); ok {
		return answer, nil
	}
	answer, err := compute()
	if err != nil {
		return nil, err
	}
	s.kpis.entries.Add(key, kpiCacheEntry{teamID: teamID, stamp: stamp, answer: answer})
	return answer, nil
}

// cacheKey spells out everything an answer of q depends on besides the data.
func (q KPIQuery) cacheKey(kind string, id uint64, today civil.Date) kpiCacheKey {
	return kpiCacheKey{kind: kind, id: id, today: today, query: fmt.Sprintf("%v|%v|%s|%s|%v|%s", q.Statuses, q.Windows, q.From, q.To, q.Kinds, q.Lang)}
}

// programBatchLimit is the largest program whose teams' answers are computed
// together: twice as many would push each other out of the cache.
const programBatchLimit = kpiCacheSize / 2

// fillProgramTeamKPIs computes the default KPI answer of every team of a
// program in one pass, as the program report does (a few grouped queries
// for all teams instead of several queries a team), and keeps each under
// the stamp its team had before the pass. Teams' pages and a professor's
// overview open many teams of one program; the first to miss pays for all.
// Concurrent misses of one program wait for the same pass.
func (s *Store) fillProgramTeamKPIs(tx *gorm.DB, program *Program, today civil.Date, lang string) error {
	key := fmt.Sprintf("%d|%s|%s", program.ID, today, lang)
	_, err, _ := s.kpis.programs.Do(key, func() (any, error) {
		// The pass serves every request waiting on it: one of them going
		// away must not cancel it for the others.
		tx := tx.WithContext(context.WithoutCancel(tx.Statement.Context))
		var teams []struct {
			ID    uint64
			Stamp int64
		}
		err := tx.Model(&Team{}).Select("teams.id, COALESCE(team_stamps.stamp, 0) AS stamp").
			Joins("LEFT JOIN team_stamps ON team_stamps.team_id = teams.id").
			Where("teams.program_id = ?", program.ID).Order("teams.id").Find(&teams).Error
		if err != nil {
			return nil, fmt.Errorf("program %d team stamps: %w", program.ID, err)
		}
		if len(teams) > programBatchLimit {
			return nil, nil // too many to keep at once: teams are computed one by one
		}
		teamIDs := make([]uint64, len(teams))
		for i, t := range teams {
			teamIDs[i] = t.ID
		}
		src, err := loadProgramKPISource(tx, program.ID, teamIDs, KPIQuery{Lang: lang}, Statuses, program.EndsOn, today)
		if err != nil {
			return nil, err
		}
		targets, err := TeamTargets(tx, teamIDs, today)
		if err != nil {
			return nil, err
		}
		for _, t := range teams {
			s.kpis.entries.Add(KPIQuery{Lang: lang}.cacheKey("team", t.ID, today), kpiCacheEntry{teamID: t.ID, stamp: t.Stamp,
				answer: &TeamKPIs{TeamID: t.ID, CountedStatuses: Statuses, TeamFigures: src.teamFigures(t.ID), Targets: nonNil(targets[t.ID])}})
		}
		return nil, nil
	})
	return err
}

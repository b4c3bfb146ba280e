package models

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// A kept team KPI answer costs one statement (loadTeamStampedByToken), and
// on PostgreSQL a statement is a round trip: under load the round trip,
// both sides of the socket, was most of what such an answer cost (issue
// 17's profile). teamAccessBatch lets the requests that arrive while a
// statement is out share the next one: it asks for all of them at once.
//
// Every statement is sent after each request it answers arrived, so an
// answer is as fresh as one of its own statement would be: a write
// acknowledged before the request came in is seen. A request never takes
// the answer of a statement already out.
type teamAccessBatch struct {
	db *sql.DB

	mu      sync.Mutex
	pending []*teamAccessCall
	out     int // runners, each with at most one statement out

	statements atomic.Int64 // sent so far (for tests)
}

const (
	// teamAccessBatchMax is how many requests one statement answers at most.
	teamAccessBatchMax = 64
	// teamAccessRunners is how many statements may be out at once: a
	// request that finds none out sends its own at once (no waiting when
	// the server is quiet); one that finds one out joins the next. One
	// rather than two: 0.40–0.42 of /healthz's rate against 0.30–0.34,
	// with a lower p99 (a thousand teams, 32 readers, interleaved runs);
	// the statement only reads, so no lock holds it up.
	teamAccessRunners = 1
	// teamAccessTimeout bounds a shared statement, which no one request's
	// context may cancel for the others.
	teamAccessTimeout = 30 * time.Second
)

// teamAccessCall is one request's question and, once done is closed, its
// answer.
type teamAccessCall struct {
	tok    TokenUser
	teamID uint64
	done   chan struct{}

	team  *Team
	stamp int64
	err   error
}

func newTeamAccessBatch(db *sql.DB) *teamAccessBatch { return &teamAccessBatch{db: db} }

// load is loadTeamStampedByToken, answered by a statement shared with the
// requests that arrived alongside.
func (b *teamAccessBatch) load(ctx context.Context, tok TokenUser, teamID uint64) (*Team, int64, error) {
	call := &teamAccessCall{tok: tok, teamID: teamID, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, call)
	start := b.out < teamAccessRunners
	if start {
		b.out++
	}
	b.mu.Unlock()
	if start {
		go b.run()
	}
	select {
	case <-call.done:
		return call.team, call.stamp, call.err
	case <-ctx.Done():
		return nil, 0, fmt.Errorf("load team %d: %w", teamID, ctx.Err())
	}
}

// run answers waiting requests, a statement at a time, until none waits.
func (b *teamAccessBatch) run() {
	for {
		b.mu.Lock()
		n := min(len(b.pending), teamAccessBatchMax)
		if n == 0 {
			b.out--
			b.mu.Unlock()
			return
		}
		calls := b.pending[:n:n]
		b.pending = append([]*teamAccessCall(nil), b.pending[n:]...)
		b.mu.Unlock()
		b.answer(calls)
	}
}

// answer asks for calls in one statement and hands each its answer.
func (b *teamAccessBatch) answer(calls []*teamAccessCall) {
	defer func() {
		for _, c := range calls {
			close(c.done)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), teamAccessTimeout)
	defer cancel()
	fail := func(err error) {
		for _, c := range calls {
			c.err = fmt.Errorf("load team %d: %w", c.teamID, err)
		}
	}
	query, _ := teamAccessStatement()
	b.statements.Add(1)
	rows, err := b.db.QueryContext(ctx, query, teamAccessArgs(calls)...)
	if err != nil {
		fail(err)
		return
	}
	defer rows.Close()
	answered := 0
	for rows.Next() {
		var i int
		var row stampedTeamRow
		if err := rows.Scan(append([]any{&i}, row.fields()...)...); err != nil {
			fail(err)
			return
		}
		if i < 0 || i >= len(calls) {
			fail(fmt.Errorf("answer for request %d of %d", i, len(calls)))
			return
		}
		c := calls[i]
		c.team, c.stamp, c.err = row.answer(roleRelation(c.tok.Role))
		answered++
	}
	if err := rows.Err(); err != nil {
		fail(err)
		return
	}
	if answered != len(calls) {
		fail(fmt.Errorf("%d answers for %d requests", answered, len(calls)))
	}
}

// teamAccessStatement is loadTeamStampedByToken's statement for many
// requests at once (PostgreSQL): a row per request, numbered as the calls
// are, with the same checks of the token's user and the same relation to
// the team (teamRelationSQL, with the row's user). The requests go in as
// five arrays, the last five arguments, so that the text, and the plan the
// server keeps for it, are the same however many share it. Its other
// arguments never change; both are made once.
var teamAccessStatement = sync.OnceValues(func() (string, []any) {
	var related strings.Builder
	var args []any
	related.WriteString("CASE r.role")
	for _, role := range Roles {
		q, _, roleArgs, _ := teamRelationSQL(role, "r.user_id")
		related.WriteString(" WHEN ? THEN " + q)
		args = append(append(args, string(role)), roleArgs...)
	}
	related.WriteString(" ELSE 0 END")
	query := `SELECT r.i, COALESCE(NOT users.disabled AND users.token_version = r.token_version AND users.role = r.role, false),
			teams.id, teams.program_id, teams.merchant_id, COALESCE(team_stamps.stamp, 0), ` + related.String() + `
		FROM unnest(?::int[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[]) AS r(i, user_id, team_id, token_version, role)
		LEFT JOIN users ON users.id = r.user_id
		LEFT JOIN teams ON teams.id = r.team_id
		LEFT JOIN team_stamps ON team_stamps.team_id = teams.id`
	// PostgreSQL's numbered parameters: the statement goes to database/sql
	// directly, not through gorm, which would parse it again each time.
	var numbered strings.Builder
	n := 0
	for part := range strings.SplitSeq(query, "?") {
		if n > 0 {
			numbered.WriteString("$" + strconv.Itoa(n))
		}
		numbered.WriteString(part)
		n++
	}
	return numbered.String(), args
})

// teamAccessArgs are the statement's arguments for calls.
func teamAccessArgs(calls []*teamAccessCall) []any {
	_, fixed := teamAccessStatement()
	var index, users, teams, versions, roles strings.Builder
	for i, c := range calls {
		sep := ","
		if i == 0 {
			sep = ""
		}
		index.WriteString(sep + strconv.Itoa(i))
		users.WriteString(sep + strconv.FormatUint(c.tok.UserID, 10))
		teams.WriteString(sep + strconv.FormatUint(c.teamID, 10))
		versions.WriteString(sep + strconv.FormatInt(c.tok.TokenVersion, 10))
		roles.WriteString(sep + arrayElement(string(c.tok.Role)))
	}
	array := func(b *strings.Builder) string { return "{" + b.String() + "}" }
	return append(slices.Clip(fixed), array(&index), array(&users), array(&teams), array(&versions), array(&roles))
}

// arrayElement quotes s as an element of a PostgreSQL array literal.
func arrayElement(s string) string { return `"` + arrayEscapes.Replace(s) + `"` }

var arrayEscapes = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// teamStampedByToken is loadTeamStampedByToken, through the batch where
// there is one (PostgreSQL, outside a transaction).
func (s *Store) teamStampedByToken(ctx context.Context, tx *gorm.DB, tok TokenUser, teamID uint64) (*Team, int64, error) {
	if s.teamAccess != nil {
		return s.teamAccess.load(ctx, tok, teamID)
	}
	return loadTeamStampedByToken(tx, tok, teamID)
}

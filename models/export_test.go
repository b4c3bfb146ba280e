package models

import (
	"context"

	"gorm.io/gorm"
)

// What the tests of package models_test reach inside the package for.

// LoadTeamStampedByToken is the statement of one request alone.
func LoadTeamStampedByToken(db *gorm.DB, tok TokenUser, teamID uint64) (*Team, int64, error) {
	return loadTeamStampedByToken(db, tok, teamID)
}

// TeamStampedByToken is what TeamKPIsByToken asks before its answer:
// through the shared statements on PostgreSQL.
func (s *Store) TeamStampedByToken(ctx context.Context, tok TokenUser, teamID uint64) (*Team, int64, error) {
	return s.teamStampedByToken(ctx, s.db.WithContext(ctx), tok, teamID)
}

// SharedTeamAccessStatements is how many statements the requests of
// TeamStampedByToken shared, or -1 where they share none (SQLite).
func (s *Store) SharedTeamAccessStatements() int64 {
	if s.teamAccess == nil {
		return -1
	}
	return s.teamAccess.statements.Load()
}

package models

import (
	"context"
	"errors"
	"fmt"

	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
)

// ErrNotReady means the instance should get no traffic yet: the database
// does not answer, or its schema is behind this binary.
var ErrNotReady = errors.New("not ready")

// Ready reports whether the database answers and holds every migration this
// binary knows (GET /readyz). The error wraps ErrNotReady with the reason.
func (s *Store) Ready(ctx context.Context) error {
	if err := database.Ping(ctx, s.db); err != nil {
		return fmt.Errorf("%w: database unreachable: %v", ErrNotReady, err)
	}
	pending, err := migrations.Pending(s.db.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotReady, err)
	}
	if pending {
		return fmt.Errorf("%w: migrations pending (this binary is at %s)", ErrNotReady, migrations.Latest())
	}
	return nil
}

package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

func TestReady(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := modelstest.NewEmptyDB(t)
	s := models.NewStore(db)
	if err := s.Ready(ctx); !errors.Is(err, models.ErrNotReady) {
		t.Fatalf("unmigrated database: %v, want not ready", err)
	}
	if err := migrations.Migrate(db); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("migrated database: %v", err)
	}
	database.Close(db)
	if err := s.Ready(ctx); !errors.Is(err, models.ErrNotReady) {
		t.Fatalf("closed database: %v, want not ready", err)
	}
}

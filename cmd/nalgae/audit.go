package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
)

// audit runs `nalgae audit verify`: it walks the audit chain and prints how
// many events it checked and "ok", or the first broken link, which makes the
// command fail. It only reads: a server may keep running on the database.
func audit(cfg config, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("usage: nalgae audit verify")
	}
	if dialect, path := database.ParseDatabaseURL(cfg.databaseURL); dialect == database.SQLite {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("audit verify: no database at %s (set DATABASE_URL): %w", path, err)
		}
	}
	db, err := database.Open(cfg.databaseURL)
	if err != nil {
		return err
	}
	defer database.Close(db)
	if pending, err := migrations.Pending(db); err != nil {
		return err
	} else if pending {
		return fmt.Errorf("audit verify: the database is not at the latest migration; run nalgae migrate first")
	}
	v, err := models.VerifyAuditChain(context.Background(), db)
	if err != nil {
		return err
	}
	if v.Break != nil {
		fmt.Printf("audit chain BROKEN at event %d: %s\n", v.Break.EventID, v.Break.Problem)
		fmt.Printf("%d events before it are intact (the last of them is event %d)\n", v.Events, v.LastID)
		return fmt.Errorf("audit verify: the chain is broken at event %d", v.Break.EventID)
	}
	fmt.Printf("ok: %d audit events in %d chains, intact; last event %d, ends %s\n", v.Events, v.Chains, v.LastID, v.LastHash)
	return nil
}

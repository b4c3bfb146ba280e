package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/nalgae/nalgae/models/database"
)

// pgDumpAdvice is what `nalgae backup` says on PostgreSQL, where the server's
// own tools take consistent snapshots of a running database.
const pgDumpAdvice = `nalgae backup writes SQLite snapshots. For PostgreSQL use pg_dump, which
takes a consistent snapshot while the servers keep running:

  pg_dump --format=custom --file=nalgae.dump "$DATABASE_URL"

and restore it into an empty database with pg_restore (see the README):

  pg_restore --no-owner --dbname="$DATABASE_URL" nalgae.dump
`

// backup writes a snapshot of the SQLite database to the file named, which
// must not exist. It neither migrates nor otherwise changes the database, and
// a server may keep running on it meanwhile.
func backup(cfg config, args []string) error {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		return fmt.Errorf("usage: nalgae backup FILE (a new file)")
	}
	// Opening a SQLite path that does not exist would create an empty
	// database, and back that up: say so instead.
	if dialect, path := database.ParseDatabaseURL(cfg.databaseURL); dialect == database.SQLite {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("backup: no database at %s (set DATABASE_URL): %w", path, err)
		}
	}
	db, err := database.Open(cfg.databaseURL)
	if err != nil {
		return err
	}
	defer database.Close(db)
	err = database.Backup(context.Background(), db, args[0])
	if errors.Is(err, database.ErrBackupIsPgDump) {
		fmt.Fprint(os.Stderr, pgDumpAdvice)
		return fmt.Errorf("backup: use pg_dump for PostgreSQL")
	}
	if err != nil {
		return err
	}
	fmt.Println("wrote", args[0])
	return nil
}

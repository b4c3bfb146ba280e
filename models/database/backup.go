package database

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"gorm.io/gorm"
)

// ErrBackupIsPgDump is Backup's answer on PostgreSQL, whose own pg_dump
// already takes consistent snapshots of a running database.
var ErrBackupIsPgDump = errors.New("PostgreSQL databases are backed up with pg_dump")

// Backup writes a consistent snapshot of the SQLite database to path, a file
// that must not exist yet. Servers may keep reading and writing meanwhile:
// VACUUM INTO reads in one transaction, which WAL mode lets writers pass, so
// the copy holds exactly the writes committed before it began. The copy is
// compact, readable only by its owner, and a database Open takes as it is.
func Backup(ctx context.Context, db *gorm.DB, path string) error {
	if DialectOf(db) != SQLite {
		return ErrBackupIsPgDump
	}
	if path == "" {
		return fmt.Errorf("backup: name the file to write")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	if err := db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// It holds password hashes and every result: not for other users' eyes.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

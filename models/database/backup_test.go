package database_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/database"
	"github.com/nalgae/nalgae/models/migrations"
	"github.com/nalgae/nalgae/models/modelstest"
)

// A backup taken while another connection keeps writing holds every write
// acknowledged before it began, and is a consistent prefix of the writes: it
// restores (by putting the file in place) into a working database.
func TestBackupUnderWrites(t *testing.T) {
	modelstest.Only(t, database.SQLite)
	ctx := context.Background()
	url := modelstest.NewDatabaseURL(t)
	server, err := database.Open(url) // the running server's connection
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(server)
	if err := migrations.Migrate(server); err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(server)

	var (
		mu    sync.Mutex
		acked []uint64 // merchant ids whose creation returned, in order
		stop  = make(chan struct{})
		done  = make(chan error, 1)
	)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			name := fmt.Sprintf("상점 %d", i)
			m, err := store.CreateMerchant(ctx, modelstest.System, models.MerchantInput{Name: &name})
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			acked = append(acked, m.ID)
			mu.Unlock()
		}
	}()
	ackedCount := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked)
	}
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for ackedCount() < n {
			if time.Now().After(deadline) {
				t.Fatalf("only %d writes acknowledged", ackedCount())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(30)

	// The backup runs on its own connection, as `nalgae backup` does.
	backupDB, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(backupDB)
	path := filepath.Join(t.TempDir(), "backup.db")
	mu.Lock()
	before := slices.Clone(acked)
	mu.Unlock()
	if err := database.Backup(ctx, backupDB, path); err != nil {
		t.Fatal(err)
	}
	after := ackedCount()
	waitFor(after + 10) // writes go on after the backup
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}

	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v; want 0600", err, st.Mode())
	}
	if err := database.Backup(ctx, backupDB, path); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second backup to the same file: %v, want it refused", err)
	}

	// Restore: the file put in place of the database, opened as the server would.
	restoredPath := filepath.Join(t.TempDir(), "nalgae.db")
	if err := os.Rename(path, restoredPath); err != nil {
		t.Fatal(err)
	}
	restored, err := database.Open(restoredPath)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(restored)
	var check string
	if err := restored.Raw("PRAGMA integrity_check").Scan(&check).Error; err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	if pending, err := migrations.Pending(restored); err != nil || pending {
		t.Fatalf("restored database: pending=%v err=%v", pending, err)
	}
	var ids []uint64
	if err := restored.Model(&models.Merchant{}).Order("id").Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	all := slices.Clone(acked)
	mu.Unlock()
	if len(ids) < len(before) || !slices.Equal(ids, all[:len(ids)]) {
		t.Fatalf("backup holds %d merchants, not a prefix of the %d writes that includes the %d acknowledged before it began",
			len(ids), len(all), len(before))
	}
	t.Logf("%d writes acknowledged before the backup, %d in it, %d by its end, %d in all", len(before), len(ids), after, len(all))
	// The restored database serves reads and takes writes through the models.
	rs := models.NewStore(restored)
	for _, id := range before {
		if _, err := rs.GetMerchant(ctx, modelstest.System, id); err != nil {
			t.Fatalf("merchant %d acknowledged before the backup: %v", id, err)
		}
	}
	name := "복원 후"
	if _, err := rs.CreateMerchant(ctx, modelstest.System, models.MerchantInput{Name: &name}); err != nil {
		t.Fatalf("write after restore: %v", err)
	}
}

func TestBackupOnPostgresIsPgDump(t *testing.T) {
	modelstest.Only(t, database.Postgres)
	err := database.Backup(context.Background(), modelstest.NewDB(t), filepath.Join(t.TempDir(), "b.db"))
	if !errors.Is(err, database.ErrBackupIsPgDump) {
		t.Fatalf("backup on PostgreSQL: %v, want ErrBackupIsPgDump", err)
	}
}

package seed_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"io"
	"testing"

	"gocloud.dev/blob/fileblob"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/seed"
)

// With a bucket, the demo's last two days in review carry a picture the
// professor opens from the queue: a real PNG, its recorded size and SHA-256
// those of the file kept, uploaded by the team's student. Without one the
// demo loads as before (every other demo test).
func TestDemoEvidence(t *testing.T) {
	ctx := context.Background()
	s := demoStore(t)
	bucket, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bucket.Close() })
	s.SetEvidenceBucket(bucket)
	logins := seedDemo(t, s)

	var prof models.Actor
	for _, l := range logins {
		if l.Role == models.RoleProfessor {
			u, _, err := s.Login(ctx, l.Email, l.Password, "test")
			if err != nil {
				t.Fatal(err)
			}
			prof = models.Actor{UserID: u.ID, Role: models.RoleProfessor}
		}
	}
	queue, err := s.ReviewQueue(ctx, prof, demoProgramID(t, s, prof))
	if err != nil {
		t.Fatal(err)
	}
	withEvidence := 0
	for _, m := range queue.Metrics {
		if m.EvidenceCount == 0 {
			continue
		}
		withEvidence++
		list, err := s.ListEvidence(ctx, prof, models.EvidenceOfMetric, m.ID)
		if err != nil || len(list) != m.EvidenceCount {
			t.Fatalf("entry %d: evidence %v, %v; the queue says %d", m.ID, list, err, m.EvidenceCount)
		}
		for _, ev := range list {
			if ev.ContentType != models.EvidencePNG || ev.UploadedByName == "" || ev.Filename != "광고보고서-"+m.Date.String()+".png" {
				t.Errorf("entry %s: evidence %+v", m.Date, ev)
			}
			_, r, err := s.OpenEvidence(ctx, prof, ev.ID)
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(r)
			_ = r.Close()
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if int64(len(data)) != ev.Size || hex.EncodeToString(sum[:]) != ev.SHA256 {
				t.Errorf("entry %s: the file kept (%d bytes) is not the one recorded (%d bytes, %s)", m.Date, len(data), ev.Size, ev.SHA256)
			}
			if _, err := png.Decode(bytes.NewReader(data)); err != nil {
				t.Errorf("entry %s: not a PNG: %v", m.Date, err)
			}
		}
	}
	if withEvidence != 2 {
		t.Errorf("%d entries in the queue carry evidence, want 2", withEvidence)
	}

	// Seeding again finds the demo there and attaches nothing more.
	if _, err := seed.Demo(ctx, s); err != nil {
		t.Fatal(err)
	}
	n := 0
	iter := bucket.List(nil)
	for {
		obj, err := iter.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !obj.IsDir {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d files in the bucket after seeding twice, want 2", n)
	}
}

package models

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"gocloud.dev/blob"
	"golang.org/x/text/encoding/korean"
	"gorm.io/gorm"
)

// Evidence (SPEC §14.2): the screenshot or statement a daily entry or a
// sales record came from. The row holds what the answer shows and where the
// file is; the file itself is in the blob bucket (NALGAE_BLOB_URL), written
// before the row and deleted after it, so that a row never names a missing
// file (a crash between the two leaves at worst an unnamed file behind).
// Who may do what is in evidence_access.go.

// MaxEvidenceBytes is the largest evidence file (413 beyond).
const MaxEvidenceBytes = 10 << 20

// Evidence content types, decided by content, never by name.
const (
	EvidencePNG  = "image/png"
	EvidenceJPEG = "image/jpeg"
	EvidencePDF  = "application/pdf"
	EvidenceXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	EvidenceCSV  = "text/csv"
)

// Evidence is a stored file's record; its JSON is the API's answer.
type Evidence struct {
	ID            uint64    `json:"id" gorm:"primaryKey"`
	MetricEntryID *uint64   `json:"metric_id,omitempty"`
	SalesRecordID *uint64   `json:"sales_id,omitempty"`
	TeamID        uint64    `json:"-" gorm:"not null"`
	Filename      string    `json:"filename" gorm:"not null"`
	ContentType   string    `json:"content_type" gorm:"not null"`
	Size          int64     `json:"size" gorm:"not null"`
	SHA256        string    `json:"sha256" gorm:"column:sha256;not null"`
	BlobKey       string    `json:"-" gorm:"not null"`
	CreatedBy     *uint64   `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	// UploadedByName is who uploaded it, by name ("" when the account is
	// gone); filled when answering, never stored or audited.
	UploadedByName string `json:"uploaded_by_name" gorm:"-"`
}

// TableName is "evidence".
func (Evidence) TableName() string { return "evidence" }

// EvidenceTypeError is a file that is not a kind evidence may be (415).
type EvidenceTypeError struct{ Detected string }

func (e *EvidenceTypeError) Error() string {
	return fmt.Sprintf("This file is %s; evidence must be a PNG or JPEG image, a PDF, an XLSX workbook or a CSV file.", e.Detected)
}

// EvidenceTooLargeError is a file over MaxEvidenceBytes (413).
var EvidenceTooLargeError = errors.New("the file is larger than 10 MiB")

// EvidenceType tells what data is by its content: one of the Evidence*
// types, or an *EvidenceTypeError.
func EvidenceType(data []byte) (string, error) {
	m := mimetype.Detect(data)
	for _, t := range []string{EvidencePNG, EvidenceJPEG, EvidencePDF, EvidenceXLSX} {
		if m.Is(t) {
			return t, nil
		}
	}
	// Markup is never a CSV, however it is named: it could run in a browser.
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n"); len(t) > 0 && t[0] == '<' {
		return "", &EvidenceTypeError{Detected: "markup"}
	}
	for p := m; p != nil; p = p.Parent() {
		if strings.Contains(p.String(), "html") || strings.Contains(p.String(), "xml") || strings.Contains(p.String(), "svg") {
			return "", &EvidenceTypeError{Detected: m.String()}
		}
	}
	if isPlainText(data) {
		return EvidenceCSV, nil
	}
	return "", &EvidenceTypeError{Detected: m.String()}
}

// isPlainText reports whether data is text in UTF-8 (with or without BOM)
// or CP949, with no control characters but tab and line ends.
func isPlainText(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	text := bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(text) {
		decoded, err := korean.EUCKR.NewDecoder().Bytes(text)
		if err != nil || bytes.ContainsRune(decoded, utf8.RuneError) {
			return false
		}
		text = decoded
	}
	for _, r := range string(text) {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// EvidenceFile is an uploaded file.
type EvidenceFile struct {
	Name string
	Data []byte
}

// CanAddEvidence checks, before an upload is read, that the actor may add
// evidence to the record (entity EvidenceOfMetric or EvidenceOfSales): an
// outsider learns nothing from a 413 or a 415.
func (s *Store) CanAddEvidence(ctx context.Context, actor Actor, entity string, id uint64) error {
	tx := s.db.WithContext(ctx)
	t, err := loadEvidenceTarget(tx, actor, entity, id)
	if err != nil {
		return err
	}
	return t.canAdd(tx)
}

// AddEvidence stores a file as evidence of a record. The file is written
// first, outside the transaction (no database lock waits for the bucket; an
// s3 upload can take a while), then the row and its audit event; when the
// row cannot be written the file is removed again, so that a failed upload
// leaves no file behind.
func (s *Store) AddEvidence(ctx context.Context, actor Actor, entity string, id uint64, file EvidenceFile) (*Evidence, error) {
	bucket := s.sources.bucket
	if bucket == nil {
		return nil, errNoBucket
	}
	if err := s.CanAddEvidence(ctx, actor, entity, id); err != nil {
		return nil, err
	}
	if len(file.Data) > MaxEvidenceBytes {
		return nil, EvidenceTooLargeError
	}
	ctype, err := EvidenceType(file.Data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(file.Data)
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("evidence: name the file: %w", err)
	}
	ev := &Evidence{Filename: cleanFilename(file.Name), ContentType: ctype, Size: int64(len(file.Data)),
		SHA256: hex.EncodeToString(sum[:]), BlobKey: "evidence/" + hex.EncodeToString(random), CreatedAt: nowUTC()}
	if actor.UserID != 0 {
		ev.CreatedBy = ptr(actor.UserID)
	}
	if err := bucket.WriteAll(ctx, ev.BlobKey, file.Data, &blob.WriterOptions{ContentType: ctype}); err != nil {
		return nil, fmt.Errorf("evidence: store the file: %w", err)
	}
	err = s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		// Asked again inside the transaction: the record may have been
		// deleted, approved or its program closed while the file was written.
		t, err := loadEvidenceTarget(tx, actor, entity, id)
		if err != nil {
			return nil, err
		}
		if err := t.canAdd(tx); err != nil {
			return nil, err
		}
		ev.MetricEntryID, ev.SalesRecordID, ev.TeamID = t.metricID, t.salesID, t.team.ID
		if err := tx.Create(ev).Error; err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
		return []audit{{action: "create", entity: "evidence", entityID: ev.ID, programID: t.team.ProgramID, after: ev.auditView()}}, nil
	})
	if err != nil {
		s.removeBlob(ctx, ev.BlobKey, "a failed upload")
		return nil, err
	}
	if err := fillUploaders(s.db.WithContext(ctx), []*Evidence{ev}); err != nil {
		return nil, err
	}
	return ev, nil
}

// fillUploaders names who uploaded each file, in one query.
func fillUploaders(tx *gorm.DB, items []*Evidence) error {
	var ids []uint64
	for _, ev := range items {
		if ev.CreatedBy != nil {
			ids = append(ids, *ev.CreatedBy)
		}
	}
	users, err := usersByID(tx, ids)
	if err != nil {
		return err
	}
	for _, ev := range items {
		if ev.CreatedBy != nil {
			ev.UploadedByName = users[*ev.CreatedBy].Name
		}
	}
	return nil
}

var errNoBucket = errors.New("evidence: no blob bucket configured (NALGAE_BLOB_URL)")

// auditView is what an audit event keeps of evidence: what it was and of
// which record, never where the file is.
func (ev *Evidence) auditView() map[string]any {
	out := map[string]any{"filename": ev.Filename, "content_type": ev.ContentType, "size": ev.Size, "sha256": ev.SHA256}
	if ev.MetricEntryID != nil {
		out["metric_id"] = *ev.MetricEntryID
	}
	if ev.SalesRecordID != nil {
		out["sales_id"] = *ev.SalesRecordID
	}
	return out
}

// removeBlob deletes a file whose row is gone or was never written. It runs
// even when the request was cancelled; a failure is logged (the key names
// no one) and leaves a file no row points to.
func (s *Store) removeBlob(ctx context.Context, key, why string) {
	bucket := s.sources.bucket
	if bucket == nil || key == "" {
		return
	}
	if err := bucket.Delete(context.WithoutCancel(ctx), key); err != nil && !isBlobNotFound(err) {
		slog.Warn("evidence: remove the file of "+why, "key", key, "err", err)
	}
}

// cleanFilename keeps the base name, without control characters or quotes,
// at most 200 characters (the end kept: it holds the extension).
func cleanFilename(name string) string {
	name = importBaseName(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if strings.TrimSpace(name) == "" {
		name = "evidence"
	}
	return name
}

// ListEvidence lists a record's evidence, oldest first.
func (s *Store) ListEvidence(ctx context.Context, actor Actor, entity string, id uint64) ([]Evidence, error) {
	tx := s.db.WithContext(ctx)
	if _, err := loadEvidenceTarget(tx, actor, entity, id); err != nil {
		return nil, err
	}
	column := "metric_entry_id"
	if entity == EvidenceOfSales {
		column = "sales_record_id"
	}
	out := []Evidence{}
	if err := tx.Where(column+" = ?", id).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	ptrs := make([]*Evidence, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	if err := fillUploaders(tx, ptrs); err != nil {
		return nil, err
	}
	return out, nil
}

// OpenEvidence answers evidence and its file; the caller closes the reader.
func (s *Store) OpenEvidence(ctx context.Context, actor Actor, id uint64) (*Evidence, io.ReadCloser, error) {
	bucket := s.sources.bucket
	if bucket == nil {
		return nil, nil, errNoBucket
	}
	ev, _, err := loadEvidence(s.db.WithContext(ctx), actor, id)
	if err != nil {
		return nil, nil, err
	}
	r, err := bucket.NewReader(ctx, ev.BlobKey, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("evidence %d: open the file: %w", id, err)
	}
	return ev, r, nil
}

// DeleteEvidence removes evidence: the row and its audit event first, then
// the file (a file left behind by a failure there is logged; no row names it).
func (s *Store) DeleteEvidence(ctx context.Context, actor Actor, id uint64) error {
	var key string
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		ev, t, err := loadEvidence(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := t.canDelete(tx); err != nil {
			return nil, err
		}
		if err := tx.Delete(&Evidence{}, ev.ID).Error; err != nil {
			return nil, fmt.Errorf("delete evidence: %w", err)
		}
		key = ev.BlobKey
		return []audit{{action: "delete", entity: "evidence", entityID: ev.ID, programID: t.team.ProgramID, before: ev.auditView()}}, nil
	})
	if err != nil {
		return err
	}
	s.removeBlob(ctx, key, "deleted evidence")
	return nil
}

// evidenceCounts counts the evidence of records (column metric_entry_id or
// sales_record_id) in one query, for the paper-clip of a list.
func evidenceCounts(tx *gorm.DB, column string, ids []uint64) (map[uint64]int, error) {
	out := map[uint64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		RecordID uint64
		N        int
	}
	err := tx.Table("evidence").Select(column+" AS record_id, COUNT(*) AS n").
		Where(column+" IN ?", ids).Group(column).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count evidence: %w", err)
	}
	for _, r := range rows {
		out[r.RecordID] = r.N
	}
	return out, nil
}

// fillMetricEvidence sets EvidenceCount on entries.
func fillMetricEvidence(tx *gorm.DB, entries []*MetricEntry) error {
	ids := make([]uint64, len(entries))
	for i, m := range entries {
		ids[i] = m.ID
	}
	counts, err := evidenceCounts(tx, "metric_entry_id", ids)
	if err != nil {
		return err
	}
	for _, m := range entries {
		m.EvidenceCount = counts[m.ID]
	}
	return nil
}

// fillSalesEvidence sets EvidenceCount on sales records.
func fillSalesEvidence(tx *gorm.DB, records []*SalesRecord) error {
	ids := make([]uint64, len(records))
	for i, r := range records {
		ids[i] = r.ID
	}
	counts, err := evidenceCounts(tx, "sales_record_id", ids)
	if err != nil {
		return err
	}
	for _, r := range records {
		r.EvidenceCount = counts[r.ID]
	}
	return nil
}

// fillQueueEvidence sets EvidenceCount in a review queue: a reviewer opens
// the evidence before approving.
func fillQueueEvidence(tx *gorm.DB, q *ReviewQueue) error {
	metrics := make([]*MetricEntry, len(q.Metrics))
	for i := range q.Metrics {
		metrics[i] = &q.Metrics[i].MetricEntry
	}
	sales := make([]*SalesRecord, len(q.Sales))
	for i := range q.Sales {
		sales[i] = &q.Sales[i].SalesRecord
	}
	if err := fillMetricEvidence(tx, metrics); err != nil {
		return err
	}
	return fillSalesEvidence(tx, sales)
}

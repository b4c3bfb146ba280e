package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

// Evidence files (SPEC §14.2) through the real routes, a real database and
// a real file bucket: what is kept, by content; what is refused, and that a
// refusal leaves neither a row nor a file behind.

// evidenceEnv is a test server whose evidence bucket the test can list.
type evidenceEnv struct {
	*testEnv
	w      *modelstest.World
	bucket *blob.Bucket
}

func newEvidenceEnv(t *testing.T) *evidenceEnv {
	t.Helper()
	w, clone := modelstest.WorldTemplate(t)
	env := newEnvOn(t, clone(t))
	return &evidenceEnv{testEnv: env, w: w, bucket: ownBucket(t, env)}
}

// ownBucket gives env's store a bucket of the test's own, to be listed.
func ownBucket(t *testing.T, env *testEnv) *blob.Bucket {
	t.Helper()
	bucket, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bucket.Close() })
	env.store.SetEvidenceBucket(bucket)
	return bucket
}

// blobKeys lists every file in the bucket.
func blobKeys(t *testing.T, b *blob.Bucket) []string {
	t.Helper()
	var keys []string
	it := b.List(nil)
	for {
		obj, err := it.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return keys
		}
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, obj.Key)
	}
}

func evidenceRows(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Table("evidence").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// Files of each kind, made here rather than read from fixtures, so that
// their bytes are known to the test.
func pngFile(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegFile(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const pdfFile = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestEvidenceKindsByContent(t *testing.T) {
	e := newEvidenceEnv(t)
	student := e.token(e.w.Student)
	cp949 := importFixture(t, "smartstore_sales_cp949.csv")
	xlsx := importFixture(t, "smartstore_sales.xlsx")
	metricURL := fmt.Sprintf("%s/metrics/%d/evidence", BasePath, e.w.MetricDraft.ID)
	salesURL := fmt.Sprintf("%s/sales/%d/evidence", BasePath, e.w.SalesDraft.ID)
	kept := []struct {
		url, name string
		data      []byte
		ctype     string
	}{
		{metricURL, "광고보고서 캡처.png", pngFile(t), "image/png"},
		{metricURL, "photo.jpg", jpegFile(t), "image/jpeg"},
		{metricURL, "statement.pdf", []byte(pdfFile), "application/pdf"},
		{salesURL, "판매내역.xlsx", xlsx, models.EvidenceXLSX},
		{salesURL, "판매내역.csv", cp949, "text/csv"},
		{salesURL, "utf8.csv", []byte("\xEF\xBB\xBF날짜,매출\n2025-10-01,12000\n"), "text/csv"},
		// A name says nothing: a PNG called .pdf is a PNG.
		{salesURL, "named-wrong.pdf", pngFile(t), "image/png"},
	}
	var ids []uint64
	for _, k := range kept {
		rec := e.upload(k.url, k.name, k.data, student)
		expectStatus(t, rec, http.StatusCreated)
		ev := decode[map[string]any](t, rec)
		for _, field := range []string{"id", "filename", "content_type", "size", "sha256", "created_at"} {
			if _, ok := ev[field]; !ok {
				t.Errorf("%s: the answer has no %s: %v", k.name, field, ev)
			}
		}
		if ev["filename"] != k.name || ev["content_type"] != k.ctype || ev["size"] != float64(len(k.data)) || ev["sha256"] != sha256Hex(k.data) {
			t.Errorf("%s: answered %v; want type %s, size %d, sha256 %s", k.name, ev, k.ctype, len(k.data), sha256Hex(k.data))
		}
		if ev["uploaded_by_name"] != e.w.Student.Name {
			t.Errorf("%s: uploaded_by_name %v, want %q", k.name, ev["uploaded_by_name"], e.w.Student.Name)
		}
		if _, ok := ev["blob_key"]; ok {
			t.Errorf("%s: the answer shows where the file is kept", k.name)
		}
		ids = append(ids, uint64(ev["id"].(float64)))

		// The download is the same bytes, an attachment of the sniffed type.
		got := e.do("GET", fmt.Sprintf("%s/evidence/%d", BasePath, ids[len(ids)-1]), nil, student)
		expectStatus(t, got, http.StatusOK)
		h := got.Header()
		if h.Get("Content-Type") != k.ctype || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || h.Get("Content-Length") != fmt.Sprint(len(k.data)) {
			t.Errorf("%s: download headers %v", k.name, h)
		}
		if !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''"+rfc5987(k.name)) {
			t.Errorf("%s: Content-Disposition %q does not name the file", k.name, h.Get("Content-Disposition"))
		}
		if !bytes.Equal(got.Body.Bytes(), k.data) {
			t.Errorf("%s: downloaded %d bytes, not the %d uploaded", k.name, got.Body.Len(), len(k.data))
		}
	}
	if n := len(blobKeys(t, e.bucket)); n != len(kept) {
		t.Errorf("%d files in the bucket, want %d", n, len(kept))
	}

	// Lists: a record's own evidence, oldest first.
	list := decode[EvidenceList](t, e.do("GET", metricURL, nil, student))
	if len(list.Items) != 3 || list.Items[0].ID != ids[0] || list.Items[2].ID != ids[2] {
		t.Errorf("the entry's evidence: %+v", list.Items)
	}
	for _, it := range list.Items {
		if it.UploadedByName != e.w.Student.Name {
			t.Errorf("listed evidence %d: uploaded by %q, want %q", it.ID, it.UploadedByName, e.w.Student.Name)
		}
	}
	list = decode[EvidenceList](t, e.do("GET", salesURL, nil, e.token(e.w.Merchant)))
	if len(list.Items) != 4 {
		t.Errorf("the sales record's evidence, as its merchant sees it: %+v", list.Items)
	}

	// Refused: markup, whatever its name, other kinds, nothing.
	refused := []struct {
		name string
		data []byte
	}{
		{"screenshot.png", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")},
		{"report.csv", []byte("  <svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")},
		{"data.csv", []byte("<?xml version=\"1.0\"?><a>1</a>")},
		{"archive.png", []byte("PK\x03\x04" + strings.Repeat("\x00", 100))},
		{"program.pdf", []byte("\x7fELF\x02\x01\x01" + strings.Repeat("\x00", 100))},
		{"image.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")},
		{"empty.csv", nil},
	}
	before := evidenceRows(t, e.db)
	for _, r := range refused {
		rec := e.upload(metricURL, r.name, r.data, student)
		expectStatus(t, rec, http.StatusUnsupportedMediaType)
		if body := decode[ErrorBody](t, rec); body.Error.Code != "unsupported_file" {
			t.Errorf("%s: code %q", r.name, body.Error.Code)
		}
	}
	if after := evidenceRows(t, e.db); after != before {
		t.Errorf("refused files wrote %d rows", after-before)
	}
	if n := len(blobKeys(t, e.bucket)); n != len(kept) {
		t.Errorf("refused files left files behind: %d in the bucket, want %d", n, len(kept))
	}
}

func TestEvidenceSizeLimit(t *testing.T) {
	e := newEvidenceEnv(t)
	url := fmt.Sprintf("%s/metrics/%d/evidence", BasePath, e.w.MetricDraft.ID)
	student := e.token(e.w.Student)
	// 11 MiB that starts like a PNG.
	big := append(pngFile(t), bytes.Repeat([]byte{0}, 11<<20)...)

	// Refused from Content-Length, before a byte is read.
	expectStatus(t, e.upload(url, "big.png", big, student), http.StatusRequestEntityTooLarge)
	// Refused while reading a body of unknown length.
	expectStatus(t, e.uploadChunked(url, "big.png", big, student), http.StatusRequestEntityTooLarge)
	// 10 MiB of file whose envelope fits is read to the end, and one byte
	// more is refused.
	edge := append(pngFile(t), bytes.Repeat([]byte{0}, models.MaxEvidenceBytes-len(pngFile(t)))...)
	expectStatus(t, e.uploadChunked(url, "edge.png", edge, student), http.StatusCreated)
	expectStatus(t, e.uploadChunked(url, "edge.png", append(edge, 0), student), http.StatusRequestEntityTooLarge)
	// The same with the length known (the buffer is then sized from it).
	expectStatus(t, e.upload(url, "edge.png", edge, student), http.StatusCreated)
	expectStatus(t, e.upload(url, "edge.png", append(edge, 0), student), http.StatusRequestEntityTooLarge)
	// An outsider learns nothing from the size: 404 before the body is read.
	expectStatus(t, e.upload(url, "big.png", big, e.token(e.w.OtherStudent)), http.StatusNotFound)
	if n := evidenceRows(t, e.db); n != 2 {
		t.Errorf("%d rows, want the two 10 MiB files", n)
	}
	keys := blobKeys(t, e.bucket)
	if len(keys) != 2 {
		t.Errorf("%d files, want the two 10 MiB files", len(keys))
	}
	for _, key := range keys {
		stored, err := e.bucket.ReadAll(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stored, edge) {
			t.Errorf("%s: %d bytes stored, not the %d uploaded", key, len(stored), len(edge))
		}
	}

	// Through a real HTTP server too: the 413 is an answer, not a reset
	// connection or a 500.
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()
	for _, chunked := range []bool{false, true} {
		body, ctype := multipartBody(t, "big.png", big)
		var r io.Reader = body
		if chunked {
			r = io.MultiReader(body) // no length known: sent chunked
		}
		req, err := http.NewRequest("POST", ts.URL+url, r)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+student)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("chunked %v: %v", chunked, err)
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("over HTTP (chunked %v): %d, want 413", chunked, res.StatusCode)
		}
	}
}

func multipartBody(t testing.TB, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, mw.FormDataContentType()
}

// uploadChunked is upload without a Content-Length.
func (e *testEnv) uploadChunked(url, name string, data []byte, token string) *httptest.ResponseRecorder {
	e.t.Helper()
	body, ctype := multipartBody(e.t, name, data)
	req := httptest.NewRequest("POST", url, io.MultiReader(body))
	req.ContentLength = -1
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func TestEvidenceAccess(t *testing.T) {
	e := newEvidenceEnv(t)
	w := e.w
	url := fmt.Sprintf("%s/metrics/%d/evidence", BasePath, w.MetricSubmitted.ID)
	rec := e.upload(url, "a.png", pngFile(t), e.token(w.Student))
	expectStatus(t, rec, http.StatusCreated)
	ev := decode[models.Evidence](t, rec)
	one := fmt.Sprintf("%s/evidence/%d", BasePath, ev.ID)

	// Another team's student, another program's staff: as if it did not exist.
	for _, u := range []*models.User{w.OtherStudent, w.OtherProf, w.OtherCity} {
		for _, c := range []struct{ method, url string }{{"GET", one}, {"GET", url}, {"DELETE", one}} {
			if rec := e.do(c.method, c.url, nil, e.token(u)); rec.Code != http.StatusNotFound {
				t.Errorf("%s %s as %s: %d, want 404", c.method, c.url, u.Email, rec.Code)
			}
		}
		expectStatus(t, e.upload(url, "b.png", pngFile(t), e.token(u)), http.StatusNotFound)
	}
	// The merchant and city staff read it, and may not change it.
	for _, u := range []*models.User{w.Merchant, w.City} {
		expectStatus(t, e.do("GET", one, nil, e.token(u)), http.StatusOK)
		expectStatus(t, e.do("DELETE", one, nil, e.token(u)), http.StatusForbidden)
		expectStatus(t, e.upload(url, "b.png", pngFile(t), e.token(u)), http.StatusForbidden)
	}
	expectStatus(t, e.do("GET", fmt.Sprintf("%s/evidence/%d", BasePath, ev.ID+1000), nil, e.token(w.Admin)), http.StatusNotFound)

	// The professor sees the paper-clip in the queue, opens the file and approves.
	q := decode[models.ReviewQueue](t, e.do("GET", fmt.Sprintf("%s/programs/%d/review-queue", BasePath, w.ProgramA.ID), nil, e.token(w.Prof)))
	counts := map[uint64]int{}
	for _, m := range q.Metrics {
		counts[m.ID] = m.EvidenceCount
	}
	if counts[w.MetricSubmitted.ID] != 1 {
		t.Errorf("the queue's evidence counts: %v, want 1 for entry %d", counts, w.MetricSubmitted.ID)
	}
	expectStatus(t, e.do("GET", one, nil, e.token(w.Prof)), http.StatusOK)
	metrics := decode[models.Page[models.MetricEntry]](t, e.do("GET", fmt.Sprintf("%s/campaigns/%d/metrics", BasePath, w.CampaignA1.ID), nil, e.token(w.Student)))
	for _, m := range metrics.Items {
		want := 0
		if m.ID == w.MetricSubmitted.ID {
			want = 1
		}
		if m.EvidenceCount != want {
			t.Errorf("entry %d lists %d evidence, want %d", m.ID, m.EvidenceCount, want)
		}
	}

	// Audit: the upload and the deletion, without the file's key.
	expectStatus(t, e.do("DELETE", one, nil, e.token(w.Student)), http.StatusNoContent)
	expectStatus(t, e.do("GET", one, nil, e.token(w.Student)), http.StatusNotFound)
	var events []models.AuditEvent
	if err := e.db.Where("entity = ? AND entity_id = ?", "evidence", ev.ID).Order("id").Find(&events).Error; err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Action != "create" || events[1].Action != "delete" {
		t.Fatalf("audit events of the evidence: %+v", events)
	}
	for _, a := range events {
		text := string(a.Before) + string(a.After)
		if !strings.Contains(text, ev.SHA256) || strings.Contains(text, "evidence/") {
			t.Errorf("audit %s: %s", a.Action, text)
		}
	}
	if n := len(blobKeys(t, e.bucket)); n != 0 {
		t.Errorf("deleted evidence left %d files", n)
	}
}

// TestEvidenceOnApprovedAndLockedRecords: evidence is added to approved and
// locked records alike; an approved record's is deleted by staff only, a
// locked record's by no one (409 locked).
func TestEvidenceOnApprovedAndLockedRecords(t *testing.T) {
	pw := newPubWorld(t)
	env := pw.env
	bucket := ownBucket(t, env)
	student := env.token(pw.Student)
	m, r := pw.approvedMetric, pw.approvedSales
	add := func(url, token string) uint64 {
		t.Helper()
		rec := env.upload(BasePath+url, "proof.pdf", []byte(pdfFile), token)
		expectStatus(t, rec, http.StatusCreated)
		return decode[models.Evidence](t, rec).ID
	}
	del := func(id uint64, token string) *httptest.ResponseRecorder {
		return env.do("DELETE", fmt.Sprintf("%s/evidence/%d", BasePath, id), nil, token)
	}
	// Approved: the student adds and may not delete; the professor may.
	a := add(fmt.Sprintf("/metrics/%d/evidence", m.ID), student)
	expectStatus(t, del(a, student), http.StatusForbidden)
	expectStatus(t, del(a, pw.profT), http.StatusNoContent)

	keep := add(fmt.Sprintf("/metrics/%d/evidence", m.ID), student)
	keepSales := add(fmt.Sprintf("/sales/%d/evidence", r.ID), pw.profT)
	pw.publish(t, map[string]any{"title": "10월", "lang": "ko", "from": "2025-10-01", "to": "2025-10-31"})

	// Locked: still added to, by the student too; deleted by no one.
	locked := add(fmt.Sprintf("/metrics/%d/evidence", m.ID), student)
	add(fmt.Sprintf("/sales/%d/evidence", r.ID), student)
	for _, id := range []uint64{keep, keepSales, locked} {
		rec := del(id, pw.adminT)
		if rec.Code != http.StatusConflict || conflictCode(t, rec, rec.Body.Bytes()) != "locked" {
			t.Errorf("deleting evidence %d of a locked record: %d %s, want 409 locked", id, rec.Code, rec.Body.String())
		}
	}
	// A draft of the locked period is not locked: its evidence goes.
	d := add(fmt.Sprintf("/metrics/%d/evidence", pw.MetricDraft.ID), student)
	expectStatus(t, del(d, student), http.StatusNoContent)

	// A closed program takes neither.
	closed := "closed"
	if _, err := env.store.UpdateProgram(context.Background(), modelstest.System, pw.ProgramA.ID, models.ProgramInput{Status: &closed}); err != nil {
		t.Fatal(err)
	}
	rec := env.upload(fmt.Sprintf("%s/metrics/%d/evidence", BasePath, pw.MetricDraft.ID), "p.png", pngFile(t), student)
	if rec.Code != http.StatusConflict || conflictCode(t, rec, rec.Body.Bytes()) != "program_closed" {
		t.Errorf("evidence into a closed program: %d %s", rec.Code, rec.Body.String())
	}
	if n := len(blobKeys(t, bucket)); n != 4 {
		t.Errorf("%d files in the bucket, want the 4 kept", n)
	}
}

// TestEvidenceNoFileWithoutRow: when the row cannot be written after the
// file was, the file is removed.
func TestEvidenceNoFileWithoutRow(t *testing.T) {
	e := newEvidenceEnv(t)
	err := e.db.Callback().Create().Before("gorm:create").Register("test:fail_evidence", func(tx *gorm.DB) {
		if tx.Statement.Table == "evidence" {
			_ = tx.AddError(errors.New("the disk is full"))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := e.upload(fmt.Sprintf("%s/metrics/%d/evidence", BasePath, e.w.MetricDraft.ID), "a.png", pngFile(t), e.token(e.w.Student))
	expectStatus(t, rec, http.StatusInternalServerError)
	if n := len(blobKeys(t, e.bucket)); n != 0 {
		t.Errorf("a failed row left %d files", n)
	}
	if n := evidenceRows(t, e.db); n != 0 {
		t.Errorf("%d rows", n)
	}
}

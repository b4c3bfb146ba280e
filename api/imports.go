package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/imports"
)

// Uploads (SPEC §5): a multipart/form-data body with the file in the field
// "file", at most MaxUploadBytes. These routes are exempt from the 1 MiB
// JSON body limit (see isUpload) and apply their own.

// MaxUploadBytes is the largest import file (413 beyond).
const MaxUploadBytes = imports.MaxFileBytes

// uploadEnvelope is what a multipart body may carry beside the file: part
// headers, boundaries, a few small form fields.
const uploadEnvelope = 64 << 10

// multipartForm is the media type of an upload.
const multipartForm = "multipart/form-data"

// uploadPaths are the routes that take an upload; the global JSON body
// limit skips them (api.go), and readUpload limits them instead.
var uploadPaths = map[string]bool{
	BasePath + "/campaigns/:id/imports":   true,
	BasePath + "/teams/:id/sales/imports": true,
}

// isUpload is the JSON body limit's skipper.
func isUpload(c echo.Context) bool { return uploadPaths[c.Path()] }

func tooLarge() error {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: "too_large",
		message: fmt.Sprintf("The file is larger than %d MiB; split it (by month, for example) and import each part.", MaxUploadBytes>>20)}
}

// readUpload reads the field "file" of a multipart body, streaming: other
// parts are skipped, nothing is kept on disk, and nothing beyond the limit
// is read.
func readUpload(c echo.Context) (models.ImportFile, error) {
	name, data, err := readFilePart(c, MaxUploadBytes, tooLarge)
	return models.ImportFile{Name: name, Data: data}, err
}

// readFilePart is readUpload for any limit; over is the error beyond it.
func readFilePart(c echo.Context, limit int64, over func() error) (string, []byte, error) {
	req := c.Request()
	mediaType, _, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != multipartForm {
		return "", nil, &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			message: "Send the file as multipart/form-data, in the field \"file\"."}
	}
	if req.ContentLength > limit+uploadEnvelope {
		return "", nil, over()
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, limit+uploadEnvelope)
	mr, err := req.MultipartReader()
	if err != nil {
		return "", nil, badRequest("malformed_upload", "The multipart body cannot be read: "+err.Error())
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, uploadReadError(err, over)
		}
		if part.FormName() != "file" {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return "", nil, uploadReadError(err, over)
			}
			continue
		}
		// Sized from the body's length, the buffer is allocated once:
		// io.ReadAll's doubling would leave some twice the file in
		// garbage, which an import of a 10 MB file then carries on top of
		// what it keeps. (The length is at most the limit, checked above,
		// and only someone allowed to import gets this far.)
		var buf bytes.Buffer
		if req.ContentLength > 0 {
			// (ReadFrom wants MinRead bytes free to read the end.)
			buf.Grow(int(min(req.ContentLength, limit+1)) + bytes.MinRead)
		}
		if _, err := buf.ReadFrom(io.LimitReader(part, limit+1)); err != nil {
			return "", nil, uploadReadError(err, over)
		}
		data := buf.Bytes()
		if int64(len(data)) > limit {
			return "", nil, over()
		}
		name := part.FileName()
		if name == "" {
			name = "upload"
		}
		return name, data, nil
	}
	return "", nil, badRequest("missing_file", "The upload has no file in the field \"file\".")
}

func uploadReadError(err error, over func() error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return over()
	}
	return badRequest("malformed_upload", "The multipart body cannot be read: "+err.Error())
}

// dryRun reads ?dry_run=, true when absent: an upload previews unless told
// to apply.
func dryRun(c echo.Context) (bool, error) {
	raw := c.QueryParam("dry_run")
	if raw == "" {
		return true, nil
	}
	v, err := strconv.ParseBool(raw)
	if err != nil {
		return false, models.Invalid("dry_run", "must be true or false")
	}
	return v, nil
}

// importer is ImportMetrics or ImportSales.
type importer func(c echo.Context, id uint64, file models.ImportFile, dryRun bool) (*models.ImportResult, error)

// importHandler checks access before reading the body (an outsider learns
// nothing from a 413 or a parse error), then previews or applies. An apply
// refused for the file's errors answers 422 with the same body as a preview.
// Each upload that reaches the parser is counted by kind and outcome
// (previewed, applied, refused, unreadable) for /metrics.
func (s *Server) importHandler(kind string, check func(c echo.Context, id uint64) error, run importer) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if err := check(c, id); err != nil {
			return err
		}
		preview, err := dryRun(c)
		if err != nil {
			return err
		}
		file, err := readUpload(c)
		if err != nil {
			return err
		}
		res, err := run(c, id, file, preview)
		var ferr *imports.FileError
		if errors.As(err, &ferr) {
			s.countImport(kind, "unreadable")
			return fileError(ferr)
		}
		if err != nil {
			return err
		}
		switch {
		case res.Refused():
			s.countImport(kind, "refused")
			return c.JSON(http.StatusUnprocessableEntity, res)
		case preview:
			s.countImport(kind, "previewed")
		default:
			s.countImport(kind, "applied")
		}
		return c.JSON(http.StatusOK, res)
	}
}

// fileError answers a file that cannot be imported at all, in SPEC §4's
// error shape: 413 over a limit, 415 not a CSV, TSV or XLSX, 422 a table
// Nalgae does not know or one meant for another place.
func fileError(e *imports.FileError) error {
	switch e.Kind {
	case imports.TooLarge:
		return &apiError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: e.Message}
	case imports.Unsupported:
		return &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_file", message: e.Message}
	}
	return &apiError{status: http.StatusUnprocessableEntity, code: "unrecognised_file", message: e.Message}
}

func (s *Server) importMetrics() echo.HandlerFunc {
	return s.importHandler("metrics",
		func(c echo.Context, id uint64) error { return s.store.CanImportMetrics(ctx(c), actor(c), id) },
		func(c echo.Context, id uint64, f models.ImportFile, dry bool) (*models.ImportResult, error) {
			return s.store.ImportMetrics(ctx(c), actor(c), id, f, dry)
		})
}

func (s *Server) importSales() echo.HandlerFunc {
	return s.importHandler("sales",
		func(c echo.Context, id uint64) error { return s.store.CanImportSales(ctx(c), actor(c), id) },
		func(c echo.Context, id uint64, f models.ImportFile, dry bool) (*models.ImportResult, error) {
			return s.store.ImportSales(ctx(c), actor(c), id, f, dry)
		})
}

// template serves one of imports.Templates as a download.
func (s *Server) template(name string) echo.HandlerFunc {
	tpl, ok := imports.Templates[name]
	if !ok {
		panic("api: no template " + name)
	}
	return func(c echo.Context) error {
		setDownload(c, tpl.Name, tpl.Name)
		return c.Blob(http.StatusOK, contentTypeCSV, tpl.Content)
	}
}

// setDownload marks the answer as a file to save: an ASCII filename for old
// clients and the real one (Korean too) as RFC 5987's filename*.
func setDownload(c echo.Context, asciiName, name string) {
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiName, rfc5987(name)))
	h.Set(echo.HeaderCacheControl, "no-store")
}

// rfc5987 percent-encodes s as an ext-value: every byte but attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}

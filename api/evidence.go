package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

// Evidence files (SPEC §14.2): upload on an entry or a sales record, list,
// download as an attachment, delete. The upload routes are in uploadPaths
// (exempt from the JSON body limit; readFilePart limits them instead).

func init() {
	uploadPaths[BasePath+"/metrics/:id/evidence"] = true
	uploadPaths[BasePath+"/sales/:id/evidence"] = true
}

// EvidenceList is the answer of GET /metrics/{id}/evidence and
// /sales/{id}/evidence.
type EvidenceList struct {
	Items []models.Evidence `json:"items"`
}

func evidenceTooLarge() error {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: "too_large",
		message: fmt.Sprintf("The file is larger than %d MiB; send a smaller photo or a PDF of only the pages that matter.", models.MaxEvidenceBytes>>20)}
}

// addEvidence checks access before reading the body, so that an outsider
// learns nothing from a 413 or a 415.
func (s *Server) addEvidence(entity string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if err := s.store.CanAddEvidence(ctx(c), actor(c), entity, id); err != nil {
			return err
		}
		name, data, err := readFilePart(c, models.MaxEvidenceBytes, evidenceTooLarge)
		if err != nil {
			return err
		}
		ev, err := s.store.AddEvidence(ctx(c), actor(c), entity, id, models.EvidenceFile{Name: name, Data: data})
		var terr *models.EvidenceTypeError
		switch {
		case errors.As(err, &terr):
			return &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_file", message: terr.Error()}
		case errors.Is(err, models.EvidenceTooLargeError):
			return evidenceTooLarge()
		case err != nil:
			return err
		}
		return c.JSON(http.StatusCreated, ev)
	}
}

func (s *Server) listEvidence(entity string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		items, err := s.store.ListEvidence(ctx(c), actor(c), entity, id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, EvidenceList{Items: items})
	}
}

// getEvidence streams the file as an attachment of its sniffed type, with
// nosniff: a browser saves it and never renders it as a page.
func (s *Server) getEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ev, r, err := s.store.OpenEvidence(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	defer r.Close()
	setDownload(c, asciiFilename(ev.Filename), ev.Filename)
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(ev.Size, 10))
	h.Set(echo.HeaderContentType, ev.ContentType)
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), r)
	return err
}

// asciiFilename is the filename for clients that do not read filename*.
func asciiFilename(name string) string {
	out := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return out
}

func (s *Server) deleteEvidence(c echo.Context) error {
	return deleteOne(c, s.store.DeleteEvidence)
}

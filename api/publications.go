package api

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
	"github.com/nalgae/nalgae/models/reportfile"
)

// Publishing results (SPEC §11): consent to be named, frozen publications
// with share links, and the admin's unlock of published figures.

type consentRequest struct {
	Granted *bool  `json:"granted"`
	Note    string `json:"note"`
}

func (s *Server) setConsent(c echo.Context) error {
	merchantID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	programID, err := pathID(c, "program_id")
	if err != nil {
		return err
	}
	var req consentRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.store.SetConsent(ctx(c), actor(c), merchantID, programID, models.ConsentInput{Granted: req.Granted, Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) listConsents(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.store.ListConsents(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type publicationRequest struct {
	Title string      `json:"title"`
	From  *civil.Date `json:"from"`
	To    *civil.Date `json:"to"`
	Kind  string      `json:"kind"`
	Lang  string      `json:"lang"`
}

func (s *Server) publish(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req publicationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.store.Publish(ctx(c), actor(c), id, models.PublicationInput{Title: req.Title, From: req.From, To: req.To, Kind: req.Kind, Lang: req.Lang})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) listPublications(c echo.Context) error {
	return listUnder(c, s.store.ListPublications)
}

func (s *Server) getPublication(c echo.Context) error {
	return getOne(c, s.store.GetPublication)
}

// publicationJSON answers the frozen report's exact stored bytes.
func (s *Server) publicationJSON(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pub, err := s.store.PublicationReport(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return frozenBytes(c, pub)
}

func frozenBytes(c echo.Context, pub *models.Publication) error {
	h := c.Response().Header()
	h.Set("X-Content-SHA256", pub.SHA256)
	h.Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, pub.Report)
}

// publicPublication answers a shared publication without login.
func (s *Server) publicPublication(c echo.Context) error {
	pub, err := s.store.PublicPublication(ctx(c), c.Param("token"))
	if err != nil {
		return err
	}
	return frozenBytes(c, pub)
}

// publicationExport writes a publication's frozen report as §6's exports do.
func (s *Server) publicationExport(ext, contentType string, write func(*bytes.Buffer, *models.ProgramReport) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		pub, err := s.store.PublicationReport(ctx(c), actor(c), id)
		if err != nil {
			return err
		}
		report, _, err := models.DecodePublishedReport(pub.Report)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := write(&buf, report); err != nil {
			return err
		}
		setDownload(c, "nalgae-publication-"+strconv.FormatUint(id, 10)+ext, fileNamePart(pub.Title)+ext)
		return c.Blob(http.StatusOK, contentType, buf.Bytes())
	}
}

func (s *Server) publicationCSV() echo.HandlerFunc {
	return s.publicationExport(".csv", contentTypeCSV, func(b *bytes.Buffer, r *models.ProgramReport) error {
		return reportfile.WriteReportCSV(b, r)
	})
}

func (s *Server) publicationXLSX() echo.HandlerFunc {
	return s.publicationExport(".xlsx", contentTypeXLSX, func(b *bytes.Buffer, r *models.ProgramReport) error {
		return reportfile.WriteReportXLSX(b, r)
	})
}

func (s *Server) sharePublication(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.store.SharePublication(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) revokeShare(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.RevokeShare(ctx(c), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type unlockRequest struct {
	Reason string `json:"reason"`
}

// UnlockResponse says how many publications' locks were lifted.
type UnlockResponse struct {
	ProgramID    uint64 `json:"program_id"`
	Publications int64  `json:"publications"`
}

func (s *Server) unlockProgram(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req unlockRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	n, err := s.store.UnlockProgram(ctx(c), actor(c), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, UnlockResponse{ProgramID: id, Publications: n})
}

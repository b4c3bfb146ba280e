package api

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/frontend"
	"github.com/nalgae/nalgae/models"
)

// HealthResponse is the answer of GET /healthz.
type HealthResponse struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, HealthResponse{Status: "ok", Version: s.cfg.Version})
}

// spa serves the embedded app: real files as they are, every other path
// (vue-router's history mode) as index.html. API paths never get the page:
// an unknown /api/... is a JSON 404.
func (s *Server) spa(c echo.Context) error {
	p := c.Request().URL.Path
	if p == "/api" || strings.HasPrefix(p, "/api/") {
		return models.ErrNotFound
	}
	files := frontend.Files()
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name != "" && name != "index.html" {
		if st, err := fs.Stat(files, name); err == nil && !st.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
			}
			return echo.StaticFileHandler(name, files)(c)
		}
		if path.Ext(name) != "" && !strings.Contains(name, "@") {
			return echo.ErrNotFound // a missing asset, not a page
		}
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	http.ServeContent(c.Response(), c.Request(), "index.html", time.Time{}, bytes.NewReader(frontend.Index()))
	return nil
}

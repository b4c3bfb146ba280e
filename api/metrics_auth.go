package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// MinMetricsTokenLen is the shortest metrics token the server accepts:
// /metrics is not rate limited, so a short token could be guessed.
const MinMetricsTokenLen = 16

// guardMetrics makes next answer only requests that carry
// "Authorization: Bearer <token>" when the server has a metrics token
// (Config.MetricsToken); without one, next answers everyone, as before.
func (s *Server) guardMetrics(next echo.HandlerFunc) echo.HandlerFunc {
	if s.cfg.MetricsToken == "" {
		return next
	}
	// Hashes have one length, so comparing them in constant time does not
	// even reveal the token's length.
	want := sha256.Sum256([]byte(s.cfg.MetricsToken))
	return func(c echo.Context) error {
		scheme, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
		got := sha256.Sum256([]byte(strings.TrimSpace(token)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return c.JSON(http.StatusUnauthorized, ErrorBody{ErrorDetail{Code: "unauthorized",
				Message: "This server's metrics need its metrics token: Authorization: Bearer <token>."}})
		}
		return next(c)
	}
}

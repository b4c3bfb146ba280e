package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

const (
	actorKey      = "nalgae.actor"
	userKey       = "nalgae.user"
	tokenUserKey  = "nalgae.token_user"
	refreshCookie = "nalgae_refresh"
	refreshPath   = "/api/v1/auth"
	// cookieHeader must accompany a request that uses the refresh cookie. A
	// page of another site cannot send it without a CORS preflight, which
	// this server never grants; the SPA sends it on every call.
	cookieHeader = "X-Requested-With"
)

// crossOrigin refuses unsafe requests that a browser marks as coming from
// another site (Sec-Fetch-Site, else an Origin whose host is not ours).
var crossOrigin = http.NewCrossOriginProtection()

var errCrossOrigin = &apiError{status: http.StatusForbidden, code: "cross_origin",
	message: "Requests from other sites may not log in or use the session cookie."}

// sameSite guards the endpoints that set or read the refresh cookie against
// cross-site requests: login (a forged login would put the victim in the
// attacker's account), refresh and logout.
func sameSite(c echo.Context) error {
	if crossOrigin.Check(c.Request()) != nil {
		return errCrossOrigin
	}
	return nil
}

// cookieToken is the refresh cookie's value, "" without one; using it needs
// the custom header too.
func cookieToken(c echo.Context) (string, error) {
	ck, err := c.Cookie(refreshCookie)
	if err != nil || ck.Value == "" {
		return "", nil
	}
	if c.Request().Header.Get(cookieHeader) == "" {
		return "", &apiError{status: http.StatusForbidden, code: "cross_origin",
			message: "Send the header " + cookieHeader + " with a request that uses the session cookie."}
	}
	return ck.Value, nil
}

// authenticate requires a valid access token and loads its user on every
// request, so that disabling a user, changing a role or resetting a password
// takes effect at once: the token's version must be the user's. That lookup
// by primary key is the one query authentication adds to a request.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok, err := s.bearer(c)
		if err != nil {
			return err
		}
		u, err := s.store.ActiveUser(ctx(c), tok.UserID, tok.TokenVersion)
		if err != nil {
			return err
		}
		c.Set(userKey, u)
		c.Set(actorKey, models.Actor{UserID: u.ID, Role: u.Role, IP: c.RealIP()})
		return next(c)
	}
}

// authenticateInQuery requires a valid access token but leaves the check of
// its user row to the handler's own first statement (models.TokenUser), for
// the routes used most (Route.userInQuery). Such a handler has no actor:
// actor(c) is the zero Actor, which may do nothing. A handler that fails
// may have failed before its statement ran (a bad id, query or body): the
// user is then checked alone, so that a refused token is 401 whatever else
// is wrong with the request, as with authenticate.
func (s *Server) authenticateInQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok, err := s.bearer(c)
		if err != nil {
			return err
		}
		c.Set(tokenUserKey, tok)
		err = next(c)
		if err != nil && !errors.Is(err, models.ErrUnauthorized) {
			if refused := s.store.CheckTokenUser(ctx(c), tok); refused != nil {
				return refused
			}
		}
		return err
	}
}

// bearer verifies the request's access token.
func (s *Server) bearer(c echo.Context) (models.TokenUser, error) {
	header := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, raw, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
		return models.TokenUser{}, &apiError{status: http.StatusUnauthorized, code: "unauthorized", message: "Send an access token: Authorization: Bearer <token>."}
	}
	tok, err := s.tokens.VerifyUser(strings.TrimSpace(raw))
	if err != nil {
		return models.TokenUser{}, models.ErrUnauthorized
	}
	tok.IP = c.RealIP()
	return tok, nil
}

// actor is the authenticated user a handler acts for.
func actor(c echo.Context) models.Actor {
	a, _ := c.Get(actorKey).(models.Actor)
	return a
}

// tokenUser is the verified token of a route whose handler checks its user
// (authenticateInQuery).
func tokenUser(c echo.Context) models.TokenUser {
	tok, _ := c.Get(tokenUserKey).(models.TokenUser)
	return tok
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// TokenResponse is the answer of login and refresh. The refresh token is
// also set as an HttpOnly cookie for the SPA.
type TokenResponse struct {
	AccessToken  string       `json:"access_token"`
	TokenType    string       `json:"token_type"`
	ExpiresIn    int          `json:"expires_in"`
	RefreshToken string       `json:"refresh_token"`
	User         *models.User `json:"user"`
}

func (s *Server) login(c echo.Context) error {
	if err := sameSite(c); err != nil {
		return err
	}
	var req loginRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p := models.Problems{}
	p.Check(strings.TrimSpace(req.Email) == "", "email", "is required")
	p.Check(req.Password == "", "password", "is required")
	if err := p.Err(); err != nil {
		return err
	}
	u, refresh, err := s.store.Login(ctx(c), req.Email, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	return s.answerTokens(c, u, refresh)
}

func (s *Server) refresh(c echo.Context) error {
	if err := sameSite(c); err != nil {
		return err
	}
	var req refreshRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	token := req.RefreshToken
	if token == "" {
		var err error
		if token, err = cookieToken(c); err != nil {
			return err
		}
	}
	if token == "" {
		return &apiError{status: http.StatusUnauthorized, code: "unauthorized", message: "Send a refresh token (body or cookie)."}
	}
	u, next, err := s.store.Refresh(ctx(c), token, c.RealIP())
	if err != nil {
		s.setRefreshCookie(c, "", -1)
		return err
	}
	return s.answerTokens(c, u, next)
}

func (s *Server) logout(c echo.Context) error {
	if err := sameSite(c); err != nil {
		return err
	}
	var req refreshRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	token := req.RefreshToken
	if token == "" {
		var err error
		if token, err = cookieToken(c); err != nil {
			return err
		}
	}
	if token != "" {
		if err := s.store.Logout(ctx(c), token, c.RealIP()); err != nil {
			return err
		}
	}
	s.setRefreshCookie(c, "", -1)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) answerTokens(c echo.Context, u *models.User, refresh string) error {
	access, err := s.tokens.Issue(u)
	if err != nil {
		return err
	}
	s.setRefreshCookie(c, refresh, int(models.RefreshTTL/time.Second))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, TokenResponse{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    int(AccessTTL / time.Second),
		RefreshToken: refresh,
		User:         u,
	})
}

func (s *Server) setRefreshCookie(c echo.Context, value string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name:     refreshCookie,
		Value:    value,
		Path:     refreshPath,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.cfg.SecureCookies || c.Scheme() == "https",
		SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) me(c echo.Context) error {
	return c.JSON(http.StatusOK, c.Get(userKey))
}

type selfRequest struct {
	Name            *string `json:"name"`
	Locale          *string `json:"locale"`
	Password        *string `json:"password"`
	CurrentPassword *string `json:"current_password"`
}

func (s *Server) updateMe(c echo.Context) error {
	var req selfRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.store.UpdateSelf(ctx(c), actor(c), models.SelfInput{
		Name: req.Name, Locale: req.Locale, Password: req.Password, CurrentPassword: req.CurrentPassword,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

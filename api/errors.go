package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

// ErrorBody is SPEC §4's error shape.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong, for programs (code) and people (message).
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Days names the locked days of a 409 locked.
	Days []string `json:"days,omitempty"`
}

// apiError is an error the API layer itself raises (bad JSON, bad query).
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.message }

func badRequest(code, message string) error {
	return &apiError{status: http.StatusBadRequest, code: code, message: message}
}

// errorResponse maps any error to a status and the SPEC body. Unknown errors
// are 500 with a generic message: details go to the log, never to clients.
func errorResponse(err error) (int, ErrorBody) {
	var (
		verr *models.ValidationError
		cerr *models.ConflictError
		aerr *apiError
		herr *echo.HTTPError
		terr *models.ThrottledError
		uerr *models.UpstreamError
	)
	body := func(code, msg string) ErrorBody { return ErrorBody{ErrorDetail{Code: code, Message: msg}} }
	switch {
	case errors.As(err, &verr):
		b := body("validation_failed", "Some values are invalid; see fields.")
		b.Error.Fields = verr.Fields
		return http.StatusUnprocessableEntity, b
	case errors.As(err, &cerr):
		b := body(cerr.Code, cerr.Message)
		b.Error.Days = cerr.Days
		return http.StatusConflict, b
	case errors.As(err, &terr):
		return http.StatusTooManyRequests, body("rate_limited", fmt.Sprintf("Too many failed logins; try again in %d seconds.", terr.RetrySeconds()))
	case errors.As(err, &uerr):
		return http.StatusBadGateway, body(uerr.Code, uerr.Message)
	case errors.As(err, &aerr):
		return aerr.status, body(aerr.code, aerr.message)
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound, body("not_found", "Not found.")
	case errors.Is(err, models.ErrForbidden):
		return http.StatusForbidden, body("forbidden", "You may see this but not do that.")
	case errors.Is(err, models.ErrUnauthorized):
		return http.StatusUnauthorized, body("unauthorized", "Log in again: the credentials or token are not valid.")
	case errors.As(err, &herr):
		switch herr.Code {
		case http.StatusNotFound:
			return herr.Code, body("not_found", "No such route.")
		case http.StatusMethodNotAllowed:
			return herr.Code, body("method_not_allowed", "This route does not take that method.")
		case http.StatusRequestEntityTooLarge:
			return herr.Code, body("too_large", "The request body is larger than allowed.")
		case http.StatusUnauthorized:
			return herr.Code, body("unauthorized", "Log in first.")
		case http.StatusTooManyRequests:
			return herr.Code, body("rate_limited", "Too many requests; wait a minute and try again.")
		case http.StatusUnsupportedMediaType:
			return herr.Code, body("unsupported_media_type", "Send JSON (Content-Type: application/json).")
		}
		if herr.Code >= 400 && herr.Code < 500 {
			return herr.Code, body("bad_request", http.StatusText(herr.Code))
		}
	}
	return http.StatusInternalServerError, body("internal", "Something went wrong on our side; it has been logged.")
}

// handleError is the echo HTTPErrorHandler: the one place errors become JSON.
func handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := errorResponse(err)
	if terr := (*models.ThrottledError)(nil); errors.As(err, &terr) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(terr.RetrySeconds()))
	}
	if status >= 500 {
		slog.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if c.Request().Method == http.MethodHead {
		err = c.NoContent(status)
	} else {
		err = c.JSON(status, body)
	}
	if err != nil {
		slog.Warn("write error response", "err", err)
	}
}

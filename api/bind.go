package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

// bind decodes a JSON object body into dst, a pointer to a request struct.
// Each field is decoded on its own so that a wrong type is reported against
// its field (422), unknown fields are refused (a client cannot set what it
// must not), and broken JSON is a 400. An empty body is an empty object.
func bind(c echo.Context, dst any) error {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		var herr *echo.HTTPError
		if errors.As(err, &herr) {
			return herr
		}
		return badRequest("malformed_json", "The request body could not be read.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return badRequest("malformed_json", "The request body must be a JSON object.")
		}
		return badRequest("malformed_json", "The request body is not valid JSON: "+err.Error())
	}
	if object == nil {
		return badRequest("malformed_json", "The request body must be a JSON object.")
	}
	v := reflect.ValueOf(dst).Elem()
	fields := jsonFields(v.Type())
	problems := models.Problems{}
	for key, value := range object {
		idx, ok := fields[key]
		if !ok {
			problems.Add(key, "is not a field of this request")
			continue
		}
		field := v.Field(idx)
		if err := json.Unmarshal(value, field.Addr().Interface()); err != nil {
			problems.Add(key, describeDecodeError(field.Type(), err))
		}
	}
	return problems.Err()
}

func jsonFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}

var dateType = reflect.TypeOf(civil.Date{})

// describeDecodeError says, in words, what a field wanted.
func describeDecodeError(t reflect.Type, err error) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == dateType {
		return "must be a real date written YYYY-MM-DD"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint64:
		return "must be a whole number"
	case reflect.Float64:
		return "must be a number"
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Map:
		return "must be an object of whole numbers"
	}
	return "has the wrong type: " + err.Error()
}

// pathID reads a numeric id from the path; anything else cannot exist (404).
func pathID(c echo.Context, name string) (uint64, error) {
	id, err := strconv.ParseUint(c.Param(name), 10, 64)
	if err != nil || id == 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

// listOptions reads ?limit= and ?cursor=.
func listOptions(c echo.Context) (models.ListOptions, error) {
	opt := models.ListOptions{}
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return opt, models.Invalid("limit", "must be a whole number from 1 to 500")
		}
		opt.Limit = min(n, models.MaxLimit)
	}
	after, err := models.DecodeCursor(c.QueryParam("cursor"))
	if err != nil {
		return opt, err
	}
	opt.After = after
	return opt, nil
}

// queryDate reads an optional YYYY-MM-DD query parameter.
func queryDate(c echo.Context, name string, p models.Problems) civil.Date {
	raw := c.QueryParam(name)
	if raw == "" {
		return civil.Date{}
	}
	d, err := civil.Parse(raw)
	if err != nil {
		p.Add(name, "must be a real date written YYYY-MM-DD")
	}
	return d
}

// queryID reads an optional numeric id query parameter.
func queryID(c echo.Context, name string, p models.Problems) uint64 {
	raw := c.QueryParam(name)
	if raw == "" {
		return 0
	}
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		p.Add(name, "must be a numeric id")
	}
	return id
}

package api

import (
	"encoding/json"
	"net/http"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"
)

// encodedAnswersSize bounds the JSON kept of KPI answers (a few KB each):
// enough for every team of a ten-thousand-team program, read round the
// program (with fewer, each answer was encoded again on every request).
const encodedAnswersSize = 16384

// encodedAnswers keeps the JSON of the KPI answers the store keeps
// (models' kpiCache): the store hands out the very same answer, never
// changed, while its team's data stands, so it is encoded once rather
// than on every request. The key is the answer's pointer: an answer
// computed afresh is a new key, and the old one ages out.
type encodedAnswers struct {
	cache *lru.Cache[any, []byte]
}

func newEncodedAnswers() *encodedAnswers {
	cache, err := lru.New[any, []byte](encodedAnswersSize)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &encodedAnswers{cache: cache}
}

// send answers with answer (a pointer) as c.JSON would, from its kept
// encoding when there is one. Pretty-printed answers are not kept.
func (e *encodedAnswers) send(c echo.Context, answer any) error {
	if _, pretty := c.QueryParams()["pretty"]; pretty || c.Echo().Debug {
		return c.JSON(http.StatusOK, answer)
	}
	b, ok := e.cache.Get(answer)
	if !ok {
		var err error
		if b, err = json.Marshal(answer); err != nil {
			return err
		}
		b = append(b, '\n') // as json.Encoder (c.JSON) ends it
		e.cache.Add(answer, b)
	}
	return c.JSONBlob(http.StatusOK, b)
}

package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

// The shapes most handlers share: read the path id, perhaps bind a body, call
// one Store method with the actor, answer. Each resource file then only says
// which request type and which Store method.

// getOne answers the object with the path's id.
func getOne[T any](c echo.Context, get func(context.Context, models.Actor, uint64) (T, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := get(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// deleteOne removes the object with the path's id: 204.
func deleteOne(c echo.Context, del func(context.Context, models.Actor, uint64) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := del(ctx(c), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// writeOne binds a request body and writes it to the object with the path's
// id: an update of it (200) or a new child of it (201).
func writeOne[Req, In, T any](c echo.Context, status int, input func(Req) In, write func(context.Context, models.Actor, uint64, In) (T, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req Req
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := write(ctx(c), actor(c), id, input(req))
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

// createTop binds a request body and creates a top-level object: 201.
func createTop[Req, In, T any](c echo.Context, input func(Req) In, create func(context.Context, models.Actor, In) (T, error)) error {
	var req Req
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := create(ctx(c), actor(c), input(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// listUnder answers a page of the children of the object with the path's id.
func listUnder[T any](c echo.Context, list func(context.Context, models.Actor, uint64, models.ListOptions) (models.Page[T], error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	page, err := list(ctx(c), actor(c), id, opt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// listTop answers a page of top-level objects.
func listTop[T any](c echo.Context, list func(context.Context, models.Actor, models.ListOptions) (models.Page[T], error)) error {
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	page, err := list(ctx(c), actor(c), opt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// transition runs a workflow action (submit, approve, return, confirm) on
// the object with the path's id; the body may carry a note and a version.
func transition[T any](action string, do func(context.Context, models.Actor, uint64, string, string, *int64) (T, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var req transitionRequest
		if err := bind(c, &req); err != nil {
			return err
		}
		out, err := do(ctx(c), actor(c), id, action, req.Note, req.Version)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	}
}

// kpisOf answers the KPIs of the object with the path's id.
func kpisOf[T any](c echo.Context, answers *encodedAnswers, compute func(context.Context, models.Actor, uint64, models.KPIQuery) (T, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q, err := kpiQuery(c)
	if err != nil {
		return err
	}
	out, err := compute(ctx(c), actor(c), id, q)
	if err != nil {
		return err
	}
	// The store's answers are kept and never changed: their JSON is too.
	return answers.send(c, out)
}

package api

import (
	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

// targetRequest is a target to create or the fields to change; kind and
// baseline may be sent as null to clear them.
type targetRequest struct {
	KPI       *string           `json:"kpi"`
	Kind      Optional[string]  `json:"kind"`
	Baseline  Optional[float64] `json:"baseline"`
	Target    *float64          `json:"target"`
	Direction *string           `json:"direction"`
	Note      *string           `json:"note"`
	Version   *int64            `json:"version"`
}

func (r targetRequest) input() models.TargetInput {
	return models.TargetInput{KPI: r.KPI, Kind: r.Kind.ptrPtr(), Baseline: r.Baseline.ptrPtr(), Target: r.Target,
		Direction: r.Direction, Note: r.Note, Version: r.Version}
}

func (s *Server) listTargets(c echo.Context) error { return listUnder(c, s.store.ListTargets) }

func (s *Server) createTarget(c echo.Context) error {
	return writeOne(c, 201, targetRequest.input, s.store.CreateTarget)
}

func (s *Server) getTarget(c echo.Context) error { return getOne(c, s.store.GetTarget) }

func (s *Server) updateTarget(c echo.Context) error {
	return writeOne(c, 200, targetRequest.input, s.store.UpdateTarget)
}

func (s *Server) deleteTarget(c echo.Context) error { return deleteOne(c, s.store.DeleteTarget) }

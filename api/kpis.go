package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/kpi"
)

// kpiQuery reads the parameters every KPI endpoint shares: statuses=, and
// explicit windows (all four, or after_from/after_to alone, the "before"
// window then being the equal period just before).
func kpiQuery(c echo.Context) (models.KPIQuery, error) {
	var q models.KPIQuery
	statuses, err := models.ParseStatuses(c.QueryParam("statuses"), nil)
	if err != nil {
		return q, err
	}
	q.Statuses = statuses
	p := models.Problems{}
	switch lang := c.QueryParam("lang"); lang {
	case "", models.LocaleKo, models.LocaleEn:
		q.Lang = lang
	default:
		p.Add("lang", "must be ko or en")
	}
	w := kpi.Windows{
		BeforeFrom: queryDate(c, "before_from", p), BeforeTo: queryDate(c, "before_to", p),
		AfterFrom: queryDate(c, "after_from", p), AfterTo: queryDate(c, "after_to", p),
	}
	if err := p.Err(); err != nil {
		return q, err
	}
	anyBefore := !w.BeforeFrom.IsZero() || !w.BeforeTo.IsZero()
	anyAfter := !w.AfterFrom.IsZero() || !w.AfterTo.IsZero()
	switch {
	case !anyBefore && !anyAfter:
	case !anyBefore && !w.AfterFrom.IsZero() && !w.AfterTo.IsZero():
		if w.AfterTo.Before(w.AfterFrom) {
			return q, models.Invalid("after_to", "must not be before after_from")
		}
		derived := kpi.DefaultWindows(w.AfterFrom, w.AfterTo)
		q.Windows = &derived
	default:
		if err := w.Validate(); err != nil {
			return q, models.Invalid("windows", err.Error()+"; give before_from, before_to, after_from and after_to, or after_from and after_to alone")
		}
		q.Windows = &w
	}
	return q, nil
}

func (s *Server) campaignKPIs(c echo.Context) error {
	return kpisOf(c, s.answers, s.store.CampaignKPIs)
}

// teamKPIs is the most read answer (every team page, a professor's
// overview): its user is checked in the query that reads the team.
func (s *Server) teamKPIs(c echo.Context) error {
	return kpisOf(c, s.answers, func(ctx context.Context, _ models.Actor, id uint64, q models.KPIQuery) (*models.TeamKPIs, error) {
		return s.store.TeamKPIsByToken(ctx, tokenUser(c), id, q)
	})
}

// reportQuery adds the report's filters: from, to (entry days) and kind
// (comma-separated campaign kinds).
func reportQuery(c echo.Context) (models.KPIQuery, error) {
	q, err := kpiQuery(c)
	if err != nil {
		return q, err
	}
	p := models.Problems{}
	q.From, q.To = queryDate(c, "from", p), queryDate(c, "to", p)
	p.Check(!q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From), "to", "must not be before from")
	if raw := c.QueryParam("kind"); raw != "" {
		for _, part := range strings.Split(raw, ",") {
			k := models.Kind(strings.TrimSpace(part))
			if !models.ValidKind(k) {
				p.Add("kind", "unknown campaign kind "+string(k))
				continue
			}
			q.Kinds = append(q.Kinds, k)
		}
	}
	return q, p.Err()
}

func (s *Server) programReport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q, err := reportQuery(c)
	if err != nil {
		return err
	}
	out, err := s.store.ProgramReport(ctx(c), actor(c), id, q, c.QueryParam("lang"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

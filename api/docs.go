package api

import "github.com/labstack/echo/v4"

// registerDocs mounts the OpenAPI document and the browsable docs.
// (Placeholder until openapi.go lands.)
func (s *Server) registerDocs(g *echo.Group) {}

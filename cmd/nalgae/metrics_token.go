package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/nalgae/nalgae/api"
)

// loadMetricsToken reads the token /metrics requires: NALGAE_METRICS_TOKEN,
// or the content of the file NALGAE_METRICS_TOKEN_FILE (a Docker or
// Kubernetes secret), which wins when both are set, as JWT_SECRET_FILE does.
// Neither set leaves /metrics open.
func (c *config) loadMetricsToken() error {
	token, from := os.Getenv("NALGAE_METRICS_TOKEN"), "NALGAE_METRICS_TOKEN"
	if file := os.Getenv("NALGAE_METRICS_TOKEN_FILE"); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("read NALGAE_METRICS_TOKEN_FILE: %w", err)
		}
		token, from = strings.TrimSpace(string(b)), "NALGAE_METRICS_TOKEN_FILE"
		if token == "" {
			// Someone meant to guard /metrics: an empty file must not open it.
			return fmt.Errorf("NALGAE_METRICS_TOKEN_FILE %s is empty", file)
		}
	}
	if token != "" && len(token) < api.MinMetricsTokenLen {
		return fmt.Errorf("%s must be at least %d characters (it is %d)", from, api.MinMetricsTokenLen, len(token))
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return fmt.Errorf("%s may not contain spaces (it travels in an Authorization header)", from)
	}
	c.metricsToken = token
	return nil
}

package models

import "context"

// DemoLogin is a demo user's credentials, printed by `nalgae seed --demo`.
type DemoLogin struct {
	Role     Role
	Email    string
	Password string
}

// SeedDemo loads the demo program (SPEC §9). Placeholder until demo data lands.
func SeedDemo(ctx context.Context, s *Store) ([]DemoLogin, error) { return nil, nil }

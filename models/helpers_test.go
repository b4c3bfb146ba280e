package models_test

import "github.com/nalgae/nalgae/models/civil"

func ptrDate(s string) *civil.Date {
	d := civil.MustParse(s)
	return &d
}

package models_test

import (
	"testing"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/modelstest"
)

func TestAuditLogIsAppendOnly(t *testing.T) {
	db := modelstest.NewDB(t)
	s := models.NewStore(db)
	name, city := "P", "부산광역시"
	if _, err := s.CreateProgram(t.Context(), modelstest.System, models.ProgramInput{Name: &name, City: &city,
		StartsOn: ptrDate("2025-09-01"), EndsOn: ptrDate("2025-12-01")}); err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Model(&models.AuditEvent{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d audit events, want 1", n)
	}
	if err := db.Exec("UPDATE audit_events SET action = 'x'").Error; err == nil {
		t.Error("UPDATE of audit_events succeeded")
	}
	if err := db.Exec("DELETE FROM audit_events").Error; err == nil {
		t.Error("DELETE of audit_events succeeded")
	}
}

package migrations

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies for SPEC §11: a merchant's consent to be named per program,
// and publications (a program report frozen into stored bytes).
type (
	pubConsent struct {
		ID         uint64 `gorm:"primaryKey"`
		MerchantID uint64 `gorm:"not null;uniqueIndex:idx_consent_merchant_program"`
		ProgramID  uint64 `gorm:"not null;uniqueIndex:idx_consent_merchant_program;index"`
		Granted    bool   `gorm:"not null"`
		Note       string `gorm:"not null;default:''"`
		RecordedBy uint64 `gorm:"not null"`
		Version    int64  `gorm:"not null;default:1"`
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
	pubPublication struct {
		ID          uint64    `gorm:"primaryKey"`
		ProgramID   uint64    `gorm:"not null;index"`
		Title       string    `gorm:"not null"`
		Lang        string    `gorm:"size:2;not null"`
		FromDate    *string   `gorm:"column:from_date;type:date"`
		ToDate      *string   `gorm:"column:to_date;type:date"`
		Kind        string    `gorm:"not null;default:''"`
		PublishedBy uint64    `gorm:"not null"`
		PublishedAt time.Time `gorm:"not null"`
		SHA256      string    `gorm:"column:sha256;size:64;not null"`
		Report      []byte    `gorm:"not null"`
		ShareToken  *string   `gorm:"size:64;uniqueIndex"`
		// UnlockedAt is set when an admin lifts the program's locks; a
		// publication locks what it published while it is null.
		UnlockedAt *time.Time
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
)

func (pubConsent) TableName() string     { return "merchant_consents" }
func (pubPublication) TableName() string { return "publications" }

var publications = &gormigrate.Migration{
	ID: "20261217_publications",
	Migrate: func(tx *gorm.DB) error {
		for _, t := range []any{&pubConsent{}, &pubPublication{}} {
			if err := tx.Migrator().CreateTable(t); err != nil {
				return fmt.Errorf("create %T: %w", t, err)
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable(&pubPublication{}, &pubConsent{})
	},
}

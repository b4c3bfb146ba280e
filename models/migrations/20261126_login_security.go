package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies for the login hardening of issue 7: a per-user token version
// that access tokens carry (bumped to end every session of a user at once),
// and the failed logins the throttle counts, kept in the database so that
// every instance on it sees the same counts.
type (
	loginSecurityUser struct {
		TokenVersion int64 `gorm:"not null;default:0"`
	}
	loginSecurityFailure struct {
		ID    uint64    `gorm:"primaryKey"`
		Email string    `gorm:"size:320;not null;index:idx_login_failures_email_at"`
		IP    string    `gorm:"column:ip;size:64;not null;index:idx_login_failures_ip_at"`
		At    time.Time `gorm:"not null;index:idx_login_failures_email_at;index:idx_login_failures_ip_at;index"`
		// Cleared marks failures forgiven by a successful login of the
		// account: they no longer count against it, but still against the IP.
		Cleared bool `gorm:"not null;default:false"`
	}
)

func (loginSecurityUser) TableName() string    { return "users" }
func (loginSecurityFailure) TableName() string { return "login_failures" }

var loginSecurity = &gormigrate.Migration{
	ID: "20261126_login_security",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().AddColumn(&loginSecurityUser{}, "TokenVersion"); err != nil {
			return err
		}
		return tx.Migrator().CreateTable(&loginSecurityFailure{})
	},
}

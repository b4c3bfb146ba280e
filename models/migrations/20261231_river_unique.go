package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// River's schema versions 6–8 (River v0.51): unique jobs inserted in bulk,
// SQLite's JSON columns, job ids. A transaction of their own after
// 20261230_river, whose versions 1–5 added the enum value they use.
var riverUnique = &gormigrate.Migration{
	ID: "20261231_river_unique",
	Migrate: func(tx *gorm.DB) error {
		return riverMigrateGorm(tx, 8)
	},
}

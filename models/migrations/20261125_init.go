package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies of the first schema. Dates are DATE columns holding ISO text
// on SQLite and real dates on PostgreSQL; the models' civil.Date reads both.
type (
	initUser struct {
		ID           uint64 `gorm:"primaryKey"`
		Email        string `gorm:"size:320;uniqueIndex;not null"`
		Name         string `gorm:"size:200;not null"`
		Role         string `gorm:"size:20;not null"`
		Locale       string `gorm:"size:5;not null;default:ko"`
		Disabled     bool   `gorm:"not null;default:false"`
		PasswordHash string `gorm:"size:200;not null"`
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	initProgram struct {
		ID         uint64    `gorm:"primaryKey"`
		Name       string    `gorm:"size:200;not null"`
		City       string    `gorm:"size:100;not null"`
		University string    `gorm:"size:200;not null"`
		Partner    string    `gorm:"size:200;not null"`
		Course     string    `gorm:"size:200;not null"`
		StartsOn   time.Time `gorm:"type:date;not null"`
		EndsOn     time.Time `gorm:"type:date;not null"`
		Status     string    `gorm:"size:20;not null"`
		Version    int64     `gorm:"not null;default:1"`
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
	initProgramStaff struct {
		ID        uint64      `gorm:"primaryKey"`
		ProgramID uint64      `gorm:"not null;uniqueIndex:idx_staff_program_user"`
		Program   initProgram `gorm:"foreignKey:ProgramID;constraint:OnDelete:CASCADE"`
		UserID    uint64      `gorm:"not null;uniqueIndex:idx_staff_program_user;index"`
		User      initUser    `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
		Role      string      `gorm:"size:20;not null"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	initMerchant struct {
		ID              uint64    `gorm:"primaryKey"`
		Name            string    `gorm:"size:200;not null"`
		Category        string    `gorm:"size:100;not null"`
		Region          string    `gorm:"size:100;not null"`
		SmartStoreURL   string    `gorm:"column:smart_store_url;size:500;not null"`
		HasOfflineStore bool      `gorm:"not null"`
		OwnerUserID     *uint64   `gorm:"index"`
		Owner           *initUser `gorm:"foreignKey:OwnerUserID;constraint:OnDelete:SET NULL"`
		Version         int64     `gorm:"not null;default:1"`
		CreatedAt       time.Time
		UpdatedAt       time.Time
	}
	initTeam struct {
		ID         uint64       `gorm:"primaryKey"`
		ProgramID  uint64       `gorm:"not null;index"`
		Program    initProgram  `gorm:"foreignKey:ProgramID;constraint:OnDelete:RESTRICT"`
		Name       string       `gorm:"size:200;not null"`
		MerchantID uint64       `gorm:"not null;index"`
		Merchant   initMerchant `gorm:"foreignKey:MerchantID;constraint:OnDelete:RESTRICT"`
		Version    int64        `gorm:"not null;default:1"`
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
	initTeamMember struct {
		ID        uint64   `gorm:"primaryKey"`
		TeamID    uint64   `gorm:"not null;uniqueIndex:idx_member_team_user"`
		Team      initTeam `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
		UserID    uint64   `gorm:"not null;uniqueIndex:idx_member_team_user;index"`
		User      initUser `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
		Role      string   `gorm:"size:20;not null"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	initCampaign struct {
		ID            uint64     `gorm:"primaryKey"`
		TeamID        uint64     `gorm:"not null;index"`
		Team          initTeam   `gorm:"foreignKey:TeamID;constraint:OnDelete:RESTRICT"`
		Kind          string     `gorm:"size:20;not null"`
		Name          string     `gorm:"size:200;not null"`
		StartsOn      time.Time  `gorm:"type:date;not null"`
		EndsOn        *time.Time `gorm:"type:date"`
		BudgetKRW     int64      `gorm:"column:budget_krw;not null;default:0"`
		TargetRoasPct *float64
		Version       int64 `gorm:"not null;default:1"`
		CreatedAt     time.Time
		UpdatedAt     time.Time
	}
	initMetricEntry struct {
		ID          uint64       `gorm:"primaryKey"`
		CampaignID  uint64       `gorm:"not null;uniqueIndex:idx_metric_campaign_date"`
		Campaign    initCampaign `gorm:"foreignKey:CampaignID;constraint:OnDelete:CASCADE"`
		Date        time.Time    `gorm:"type:date;not null;uniqueIndex:idx_metric_campaign_date"`
		SpendKRW    int64        `gorm:"column:spend_krw;not null;default:0"`
		Impressions int64        `gorm:"not null;default:0"`
		Clicks      int64        `gorm:"not null;default:0"`
		Conversions int64        `gorm:"not null;default:0"`
		RevenueKRW  int64        `gorm:"column:revenue_krw;not null;default:0"`
		Viewers     *int64
		PeakViewers *int64
		Likes       *int64
		Comments    *int64
		DurationMin *int64
		Status      string `gorm:"size:20;not null"`
		ReviewNote  string `gorm:"size:2000;not null;default:''"`
		Source      string `gorm:"size:300;not null;default:manual"`
		ReviewedBy  *uint64
		ReviewedAt  *time.Time
		Version     int64 `gorm:"not null;default:1"`
		CreatedAt   time.Time
		UpdatedAt   time.Time
	}
	initSalesRecord struct {
		ID          uint64    `gorm:"primaryKey"`
		TeamID      uint64    `gorm:"not null;index"`
		Team        initTeam  `gorm:"foreignKey:TeamID;constraint:OnDelete:RESTRICT"`
		PeriodStart time.Time `gorm:"type:date;not null"`
		PeriodEnd   time.Time `gorm:"type:date;not null"`
		Channel     string    `gorm:"size:20;not null"`
		SalesKRW    int64     `gorm:"column:sales_krw;not null"`
		Orders      *int64
		Status      string `gorm:"size:20;not null"`
		ReviewNote  string `gorm:"size:2000;not null;default:''"`
		Source      string `gorm:"size:300;not null;default:manual"`
		ReviewedBy  *uint64
		ReviewedAt  *time.Time
		ConfirmedBy *uint64
		ConfirmedAt *time.Time
		Version     int64 `gorm:"not null;default:1"`
		CreatedAt   time.Time
		UpdatedAt   time.Time
	}
	initComment struct {
		ID         uint64   `gorm:"primaryKey"`
		TeamID     uint64   `gorm:"not null;index"`
		Team       initTeam `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
		CampaignID *uint64
		MetricID   *uint64
		AuthorID   uint64   `gorm:"not null"`
		Author     initUser `gorm:"foreignKey:AuthorID;constraint:OnDelete:RESTRICT"`
		Body       string   `gorm:"size:4000;not null"`
		CreatedAt  time.Time
		UpdatedAt  time.Time
	}
	initEvaluation struct {
		ID            uint64   `gorm:"primaryKey"`
		TeamID        uint64   `gorm:"not null;index"`
		Team          initTeam `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
		AuthorID      uint64   `gorm:"not null"`
		Author        initUser `gorm:"foreignKey:AuthorID;constraint:OnDelete:RESTRICT"`
		Scores        string   `gorm:"type:text;not null"`
		Total         int      `gorm:"not null"`
		Feedback      string   `gorm:"size:8000;not null;default:''"`
		VisibleToTeam bool     `gorm:"not null;default:false"`
		Version       int64    `gorm:"not null;default:1"`
		CreatedAt     time.Time
		UpdatedAt     time.Time
	}
	initAuditEvent struct {
		ID        uint64    `gorm:"primaryKey"`
		At        time.Time `gorm:"not null;index"`
		UserID    *uint64   `gorm:"index"`
		Action    string    `gorm:"size:30;not null"`
		Entity    string    `gorm:"size:30;not null;index:idx_audit_entity"`
		EntityID  *uint64   `gorm:"index:idx_audit_entity"`
		ProgramID *uint64   `gorm:"index"`
		Before    *string   `gorm:"type:text"`
		After     *string   `gorm:"type:text"`
		IP        string    `gorm:"column:ip;size:64;not null;default:''"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	initRefreshToken struct {
		ID        uint64    `gorm:"primaryKey"`
		UserID    uint64    `gorm:"not null;index"`
		User      initUser  `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
		FamilyID  string    `gorm:"size:64;not null;index"`
		TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
		ExpiresAt time.Time `gorm:"not null"`
		UsedAt    *time.Time
		RevokedAt *time.Time
		CreatedAt time.Time
		UpdatedAt time.Time
	}
)

func (initUser) TableName() string         { return "users" }
func (initProgram) TableName() string      { return "programs" }
func (initProgramStaff) TableName() string { return "program_staff" }
func (initMerchant) TableName() string     { return "merchants" }
func (initTeam) TableName() string         { return "teams" }
func (initTeamMember) TableName() string   { return "team_members" }
func (initCampaign) TableName() string     { return "campaigns" }
func (initMetricEntry) TableName() string  { return "metric_entries" }
func (initSalesRecord) TableName() string  { return "sales_records" }
func (initComment) TableName() string      { return "comments" }
func (initEvaluation) TableName() string   { return "evaluations" }
func (initAuditEvent) TableName() string   { return "audit_events" }
func (initRefreshToken) TableName() string { return "refresh_tokens" }

var initSchema = &gormigrate.Migration{
	ID: "20261125_init",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.AutoMigrate(
			&initUser{}, &initProgram{}, &initProgramStaff{}, &initMerchant{},
			&initTeam{}, &initTeamMember{}, &initCampaign{}, &initMetricEntry{},
			&initSalesRecord{}, &initComment{}, &initEvaluation{}, &initAuditEvent{},
			&initRefreshToken{},
		); err != nil {
			return err
		}
		return appendOnlyAudit(tx)
	},
}

// appendOnlyAudit makes the database itself refuse to change or remove an
// audit event, whatever the application does. The trigger syntax is the one
// place where the dialects differ.
func appendOnlyAudit(tx *gorm.DB) error {
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
			 BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
			 FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
		}
	} else {
		stmts = []string{
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
			 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
			`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
			 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies for SPEC §14 (issue 16): a campaign's link to a Naver
// SearchAd account, with its keys sealed (models/secretbox) and the outcome
// of its last pull; and the evidence files attached to daily entries and
// sales records (the files themselves live in blob storage, named by
// BlobKey).
type (
	searchadCampaign struct {
		ID uint64 `gorm:"primaryKey"`
	}
	searchadTeam struct {
		ID uint64 `gorm:"primaryKey"`
	}
	searchadUser struct {
		ID uint64 `gorm:"primaryKey"`
	}
	searchadMetric struct {
		ID uint64 `gorm:"primaryKey"`
	}
	searchadSales struct {
		ID uint64 `gorm:"primaryKey"`
	}
	searchadLink struct {
		ID                 uint64           `gorm:"primaryKey"`
		CampaignID         uint64           `gorm:"not null;uniqueIndex"`
		Campaign           searchadCampaign `gorm:"foreignKey:CampaignID;constraint:OnDelete:CASCADE"`
		CustomerID         string           `gorm:"size:20;not null"`
		SearchadCampaignID string           `gorm:"column:searchad_campaign_id;size:100;not null"`
		APIKeySealed       string           `gorm:"column:api_key_sealed;not null"`
		SecretKeySealed    string           `gorm:"not null"`
		APIKeyLast4        string           `gorm:"column:api_key_last4;size:4;not null"`
		LastPulledAt       *time.Time
		LastError          string `gorm:"not null;default:''"`
		LastErrorAt        *time.Time
		Version            int64 `gorm:"not null;default:1"`
		CreatedAt          time.Time
		UpdatedAt          time.Time
	}
	searchadEvidence struct {
		ID            uint64          `gorm:"primaryKey"`
		MetricEntryID *uint64         `gorm:"index"`
		MetricEntry   *searchadMetric `gorm:"foreignKey:MetricEntryID;constraint:OnDelete:CASCADE"`
		SalesRecordID *uint64         `gorm:"index"`
		SalesRecord   *searchadSales  `gorm:"foreignKey:SalesRecordID;constraint:OnDelete:CASCADE"`
		TeamID        uint64          `gorm:"not null;index"`
		Team          searchadTeam    `gorm:"foreignKey:TeamID;constraint:OnDelete:CASCADE"`
		Filename      string          `gorm:"size:255;not null"`
		ContentType   string          `gorm:"size:100;not null"`
		Size          int64           `gorm:"not null"`
		SHA256        string          `gorm:"column:sha256;size:64;not null"`
		BlobKey       string          `gorm:"size:200;not null;uniqueIndex"`
		CreatedBy     *uint64
		Creator       *searchadUser `gorm:"foreignKey:CreatedBy;constraint:OnDelete:SET NULL"`
		CreatedAt     time.Time     `gorm:"not null"`
	}
	// searchadJobClaim is one scheduled run claimed by one instance: the
	// primary key makes a second claim of the same run fail, on SQLite and
	// PostgreSQL alike.
	searchadJobClaim struct {
		Job       string    `gorm:"primaryKey;size:100"`
		Slot      string    `gorm:"primaryKey;size:40"`
		Holder    string    `gorm:"size:100;not null"`
		ClaimedAt time.Time `gorm:"not null"`
	}
)

func (searchadCampaign) TableName() string { return "campaigns" }
func (searchadTeam) TableName() string     { return "teams" }
func (searchadUser) TableName() string     { return "users" }
func (searchadMetric) TableName() string   { return "metric_entries" }
func (searchadSales) TableName() string    { return "sales_records" }
func (searchadLink) TableName() string     { return "searchad_links" }
func (searchadEvidence) TableName() string { return "evidence" }
func (searchadJobClaim) TableName() string { return "job_claims" }

var searchadAndEvidence = &gormigrate.Migration{
	ID: "20261220_searchad_evidence",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&searchadLink{}, &searchadEvidence{}, &searchadJobClaim{})
	},
}

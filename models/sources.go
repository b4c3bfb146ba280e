package models

import (
	"gocloud.dev/blob"

	"github.com/nalgae/nalgae/models/searchad"
	"github.com/nalgae/nalgae/models/secretbox"
)

// sources is what the numbers-from-their-source features (SPEC §14) need
// beyond the database. cmd/nalgae sets them at start-up; a Store without
// them answers those routes with a clear error instead of guessing.
type sources struct {
	secrets  *secretbox.Box
	searchad *searchad.Client
	bucket   *blob.Bucket
	// observePull is told each pull's trigger and outcome (for /metrics).
	observePull func(trigger, outcome string)
}

// SetSecrets sets the Box that seals SearchAd keys.
func (s *Store) SetSecrets(box *secretbox.Box) { s.sources.secrets = box }

// SetSearchAd sets the SearchAd client pulls use.
func (s *Store) SetSearchAd(c *searchad.Client) { s.sources.searchad = c }

// SetEvidenceBucket sets where evidence files are kept.
func (s *Store) SetEvidenceBucket(b *blob.Bucket) { s.sources.bucket = b }

// HasEvidenceBucket reports whether evidence files can be kept (the demo
// attaches some only then).
func (s *Store) HasEvidenceBucket() bool { return s.sources.bucket != nil }

// ObservePulls registers f to be told each pull's trigger ("manual",
// "nightly") and outcome ("previewed", "applied", "refused", "failed").
func (s *Store) ObservePulls(f func(trigger, outcome string)) { s.sources.observePull = f }

func (s *Store) countPull(trigger, outcome string) {
	if f := s.sources.observePull; f != nil {
		f(trigger, outcome)
	}
}

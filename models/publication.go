package models

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// Publication is a program report frozen into stored bytes (SPEC §11.2):
// approved results only, merchants without consent anonymised, small counts
// suppressed. Its bytes never change; sha256 vouches for them.
type Publication struct {
	ID          uint64      `json:"id" gorm:"primaryKey"`
	ProgramID   uint64      `json:"program_id" gorm:"not null"`
	Title       string      `json:"title" gorm:"not null"`
	Lang        string      `json:"lang" gorm:"not null"`
	From        *civil.Date `json:"from" gorm:"column:from_date;type:date"`
	To          *civil.Date `json:"to" gorm:"column:to_date;type:date"`
	Kind        string      `json:"kind" gorm:"not null;default:''"`
	PublishedBy uint64      `json:"published_by" gorm:"not null"`
	PublishedAt time.Time   `json:"published_at" gorm:"not null"`
	SHA256      string      `json:"sha256" gorm:"column:sha256;not null"`
	Report      []byte      `json:"-" gorm:"not null"`
	ShareToken  *string     `json:"share_token"`
	UnlockedAt  *time.Time  `json:"unlocked_at"`
	// EditsSince counts the audited changes to published figures since.
	EditsSince int       `json:"edits_since" gorm:"-"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// PublicationInput is POST /programs/{id}/publications.
type PublicationInput struct {
	Title    string
	From, To *civil.Date
	Kind     string
	Lang     string
}

// pubColumns are a publication's columns without its report bytes, for
// metadata answers.
var pubColumns = []string{"id", "program_id", "title", "lang", "from_date", "to_date", "kind", "published_by",
	"published_at", "sha256", "share_token", "unlocked_at", "created_at", "updated_at"}

func (in PublicationInput) validate() error {
	p := Problems{}
	checkText(p, "title", in.Title, 200, true)
	p.Check(in.Lang != LocaleKo && in.Lang != LocaleEn, "lang", "must be ko or en")
	p.Check(in.Kind != "" && !ValidKind(Kind(in.Kind)), "kind", "must be one of "+listOf(Kinds))
	if in.From != nil && in.To != nil {
		p.Check(in.To.Before(*in.From), "to", "must not be before from")
	}
	return p.Err()
}

// Publish freezes the program's report as it is now into a publication and
// thereby locks what it published (SPEC §11.3).
func (s *Store) Publish(ctx context.Context, actor Actor, programID uint64, in PublicationInput) (*Publication, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var pub Publication
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, rel, err := loadProgram(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canPublish()); err != nil {
			return nil, err
		}
		q := KPIQuery{Statuses: []Status{StatusApproved}}
		if in.From != nil {
			q.From = *in.From
		}
		if in.To != nil {
			q.To = *in.To
		}
		if in.Kind != "" {
			q.Kinds = []Kind{Kind(in.Kind)}
		}
		report, err := s.programReport(tx, actor, programID, q, in.Lang)
		if err != nil {
			return nil, err
		}
		consents, err := consentingMerchants(tx, programID)
		if err != nil {
			return nil, err
		}
		var merchantOf []struct{ ID, MerchantID uint64 }
		if err := tx.Model(&Team{}).Select("id, merchant_id").Where("program_id = ?", programID).Find(&merchantOf).Error; err != nil {
			return nil, fmt.Errorf("team merchants: %w", err)
		}
		merchants := make(map[uint64]uint64, len(merchantOf))
		for _, t := range merchantOf {
			merchants[t.ID] = t.MerchantID
		}
		pub = Publication{ProgramID: programID, Title: strings.TrimSpace(in.Title), Lang: in.Lang, From: in.From, To: in.To,
			Kind: in.Kind, PublishedBy: actor.UserID, PublishedAt: nowUTC()}
		frozen, err := freezeReport(report, merchants, consents, in.Lang, publicationHeader{pub.Title, pub.PublishedAt, pub.Kind})
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(frozen)
		pub.SHA256, pub.Report = hex.EncodeToString(sum[:]), frozen
		if err := tx.Create(&pub).Error; err != nil {
			return nil, fmt.Errorf("create publication: %w", err)
		}
		return []audit{{action: "publish", entity: "publication", entityID: pub.ID, programID: programID, after: pub}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &pub, nil
}

// publicationHeader is what a frozen report says about its publication.
type publicationHeader struct {
	Title       string    `json:"title"`
	PublishedAt time.Time `json:"published_at"`
	Kind        string    `json:"kind"`
}

// Anonymous labels of SPEC §11.2.
var (
	merchantLabel = map[string]string{LocaleKo: "참여 업체 %d", LocaleEn: "Participant %d"}
	teamLabel     = map[string]string{LocaleKo: "팀 %d", LocaleEn: "Team %d"}
)

// freezeReport turns a report into a publication's bytes. A merchant without
// consent, and its team, is replaced by its label in every string of the
// report, whatever field carries it (highlights are sentences that begin
// with the name; fields added later are covered too). Then by_kind blocks of
// fewer than 3 teams that include a non-consenting one are suppressed.
func freezeReport(r *ProgramReport, merchantOfTeam map[uint64]uint64, consents map[uint64]bool, lang string, header publicationHeader) ([]byte, error) {
	labels := map[string]string{} // a name → what the publication prints
	var names []string            // every team and merchant name
	numbered := map[uint64]int{}  // merchant id → its number
	anonymousTeams := map[uint64]bool{}
	teams := append([]TeamReport(nil), r.Teams...)
	sort.Slice(teams, func(i, j int) bool { return teams[i].TeamID < teams[j].TeamID })
	for _, t := range teams {
		mid := merchantOfTeam[t.TeamID]
		if consents[mid] {
			labels[t.MerchantName], labels[t.TeamName] = t.MerchantName, t.TeamName
			continue
		}
		n, ok := numbered[mid]
		if !ok {
			n = len(numbered) + 1
			numbered[mid] = n
		}
		anonymousTeams[t.TeamID] = true
		labels[t.MerchantName] = fmt.Sprintf(merchantLabel[lang], n)
		labels[t.TeamName] = fmt.Sprintf(teamLabel[lang], n)
	}
	// A non-consenting name wins over a consenting one spelt the same.
	for _, t := range teams {
		if anonymousTeams[t.TeamID] {
			labels[t.MerchantName] = fmt.Sprintf(merchantLabel[lang], numbered[merchantOfTeam[t.TeamID]])
		}
	}
	for name := range labels {
		if name != "" {
			names = append(names, name)
		}
	}
	// Longest first, so that a name inside another name is not cut out of it.
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, errors.New("report is not an object")
	}
	// The title travels with the figures, so that the public page and the
	// print view show what was announced, under the same hash; it is
	// anonymised like the rest (a title may name a merchant).
	root["publication"] = map[string]any{"title": header.Title, "published_at": header.PublishedAt, "kind": header.Kind}
	replaceNames(root, names, labels)
	suppressSmallKinds(root, r, anonymousTeams)
	return json.Marshal(root)
}

// replaceNames rewrites every string in a decoded JSON tree. Each name is
// first swapped for a placeholder, then placeholders for labels, so that a
// label never gets rewritten by a later, shorter name.
func replaceNames(v any, names []string, labels map[string]string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = replaceNames(e, names, labels)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = replaceNames(e, names, labels)
		}
		return x
	case string:
		if x == "" {
			return x
		}
		for i, n := range names {
			x = strings.ReplaceAll(x, n, fmt.Sprintf("\x00%d\x00", i))
		}
		for i, n := range names {
			x = strings.ReplaceAll(x, fmt.Sprintf("\x00%d\x00", i), labels[n])
		}
		return x
	}
	return v
}

// suppressSmallKinds replaces a program by_kind block made of fewer than 3
// teams, one of which has not consented, by {"suppressed": true, "teams": n}:
// with so few teams the block would reveal the anonymous team's figures.
func suppressSmallKinds(root map[string]any, r *ProgramReport, anonymousTeams map[uint64]bool) {
	byKind, ok := root["by_kind"].(map[string]any)
	if !ok {
		return
	}
	for kind := range byKind {
		teams, anonymous := 0, false
		for _, t := range r.Teams {
			if _, has := t.ByKind[Kind(kind)]; has {
				teams++
				anonymous = anonymous || anonymousTeams[t.TeamID]
			}
		}
		if teams < 3 && anonymous {
			byKind[kind] = map[string]any{"suppressed": true, "teams": teams}
		}
	}
}

// DecodePublishedReport reads a publication's bytes back into the report
// type for the exports; suppressed by_kind blocks are left out (they carry
// no figures) and named in the second result.
func DecodePublishedReport(data []byte) (*ProgramReport, []Kind, error) {
	var r ProgramReport
	var kinds struct {
		ByKind map[Kind]struct {
			Suppressed bool `json:"suppressed"`
		} `json:"by_kind"`
	}
	if err := json.Unmarshal(data, &kinds); err != nil {
		return nil, nil, fmt.Errorf("decode publication: %w", err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, nil, fmt.Errorf("decode publication: %w", err)
	}
	var suppressed []Kind
	for k, b := range kinds.ByKind {
		if b.Suppressed {
			delete(r.ByKind, k)
			suppressed = append(suppressed, k)
		}
	}
	sort.Slice(suppressed, func(i, j int) bool { return suppressed[i] < suppressed[j] })
	return &r, suppressed, nil
}

// loadPublication loads a publication's metadata with the actor's right to
// it: its program's report readers, anyone else ErrNotFound.
func loadPublication(tx *gorm.DB, actor Actor, id uint64, withReport bool) (*Publication, error) {
	var pub Publication
	q := tx
	if !withReport {
		q = q.Select(pubColumns)
	}
	if err := first(q, &pub, id); err != nil {
		return nil, err
	}
	rel, err := programRelation(tx, actor, pub.ProgramID)
	if err != nil {
		return nil, err
	}
	if !rel.canPublish() {
		return nil, ErrNotFound
	}
	return &pub, nil
}

// GetPublication answers a publication's metadata with edits_since.
func (s *Store) GetPublication(ctx context.Context, actor Actor, id uint64) (*Publication, error) {
	tx := s.db.WithContext(ctx)
	pub, err := loadPublication(tx, actor, id, false)
	if err != nil {
		return nil, err
	}
	if err := fillEditsSince(tx, pub.ProgramID, []*Publication{pub}); err != nil {
		return nil, err
	}
	return pub, nil
}

// PublicationReport answers a publication with its stored bytes.
func (s *Store) PublicationReport(ctx context.Context, actor Actor, id uint64) (*Publication, error) {
	return loadPublication(s.db.WithContext(ctx), actor, id, true)
}

// PublicPublication answers, without login, the publication a share token
// names; an unknown or revoked token is ErrNotFound.
func (s *Store) PublicPublication(ctx context.Context, token string) (*Publication, error) {
	if token == "" || len(token) > 64 {
		return nil, ErrNotFound
	}
	var pub Publication
	err := s.db.WithContext(ctx).Where("share_token = ?", token).First(&pub).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load shared publication: %w", err)
	}
	return &pub, nil
}

// ListPublications lists a program's publications, newest first.
func (s *Store) ListPublications(ctx context.Context, actor Actor, programID uint64, opt ListOptions) (Page[Publication], error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return Page[Publication]{}, err
	}
	if err := allow(rel, rel.canPublish()); err != nil {
		return Page[Publication]{}, err
	}
	page, err := paginate(tx.Model(&Publication{}).Select(pubColumns).Where("program_id = ?", programID), "id", opt,
		func(p Publication) uint64 { return p.ID })
	if err != nil {
		return page, err
	}
	ptrs := make([]*Publication, len(page.Items))
	for i := range page.Items {
		ptrs[i] = &page.Items[i]
	}
	return page, fillEditsSince(tx, programID, ptrs)
}

// fillEditsSince counts, for each publication, the audit events after it on
// the program's entries and sales records that were approved before or
// after the event and are dated within its period. One query for them all.
func fillEditsSince(tx *gorm.DB, programID uint64, pubs []*Publication) error {
	if len(pubs) == 0 {
		return nil
	}
	earliest := pubs[0].PublishedAt
	for _, p := range pubs[1:] {
		if p.PublishedAt.Before(earliest) {
			earliest = p.PublishedAt
		}
	}
	var events []AuditEvent
	err := tx.Select("id", "at", "entity", "before", "after").
		Where("program_id = ? AND entity IN ? AND at > ? AND entity_id IS NOT NULL", programID, []string{"metric", "sales"}, earliest).
		Order("id").Find(&events).Error
	if err != nil {
		return fmt.Errorf("edits since: %w", err)
	}
	type state struct {
		Status      Status      `json:"status"`
		Date        *civil.Date `json:"date"`
		PeriodStart *civil.Date `json:"period_start"`
		PeriodEnd   *civil.Date `json:"period_end"`
	}
	decode := func(raw RawJSON) *state {
		if raw == "" || raw == "null" {
			return nil
		}
		var st state
		if json.Unmarshal([]byte(raw), &st) != nil {
			return nil
		}
		return &st
	}
	inPeriod := func(p *Publication, st *state) bool {
		switch {
		case st.Date != nil:
			return within(p.From, p.To, *st.Date, *st.Date)
		case st.PeriodStart != nil && st.PeriodEnd != nil:
			return within(p.From, p.To, *st.PeriodStart, *st.PeriodEnd)
		}
		return false
	}
	for _, ev := range events {
		before, after := decode(ev.Before), decode(ev.After)
		for _, p := range pubs {
			if !ev.At.After(p.PublishedAt) {
				continue
			}
			counts := false
			for _, st := range []*state{before, after} {
				if st != nil && st.Status == StatusApproved && inPeriod(p, st) {
					counts = true
				}
			}
			if counts {
				p.EditsSince++
			}
		}
	}
	return nil
}

// newShareToken is 192 random bits, URL-safe.
func newShareToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("share token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SharePublication gives a publication a new public link (a previous one
// stops working).
func (s *Store) SharePublication(ctx context.Context, actor Actor, id uint64) (*Publication, error) {
	token, err := newShareToken()
	if err != nil {
		return nil, err
	}
	return s.setShareToken(ctx, actor, id, &token, "share")
}

// RevokeShare ends a publication's public link.
func (s *Store) RevokeShare(ctx context.Context, actor Actor, id uint64) (*Publication, error) {
	return s.setShareToken(ctx, actor, id, nil, "revoke")
}

func (s *Store) setShareToken(ctx context.Context, actor Actor, id uint64, token *string, action string) (*Publication, error) {
	var out *Publication
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		pub, err := loadPublication(tx, actor, id, false)
		if err != nil {
			return nil, err
		}
		if token == nil && pub.ShareToken == nil {
			return nil, ErrNotFound
		}
		// The token itself stays out of the audit log: it is a secret link.
		if err := tx.Model(&Publication{}).Where("id = ?", id).Updates(map[string]any{"share_token": token, "updated_at": nowUTC()}).Error; err != nil {
			return nil, fmt.Errorf("share publication: %w", err)
		}
		pub.ShareToken = token
		out = pub
		return []audit{{action: action, entity: "publication", entityID: id, programID: pub.ProgramID,
			after: map[string]any{"shared": token != nil}}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.fillOne(ctx, out)
}

func (s *Store) fillOne(ctx context.Context, pub *Publication) error {
	return fillEditsSince(s.db.WithContext(ctx), pub.ProgramID, []*Publication{pub})
}

// UnlockProgram lifts every lock of a program's publications (admins only,
// with a reason); a later publication locks again.
func (s *Store) UnlockProgram(ctx context.Context, actor Actor, programID uint64, reason string) (int64, error) {
	p := Problems{}
	checkText(p, "reason", reason, 2000, true)
	if err := p.Err(); err != nil {
		return 0, err
	}
	var lifted int64
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, rel, err := loadProgram(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canUnlock()); err != nil {
			return nil, err
		}
		res := tx.Model(&Publication{}).Where("program_id = ? AND unlocked_at IS NULL", programID).
			Updates(map[string]any{"unlocked_at": nowUTC(), "updated_at": nowUTC()})
		if res.Error != nil {
			return nil, fmt.Errorf("unlock: %w", res.Error)
		}
		lifted = res.RowsAffected
		return []audit{{action: "unlock", entity: "program", entityID: programID, programID: programID,
			after: map[string]any{"reason": strings.TrimSpace(reason), "publications": lifted}}}, nil
	})
	return lifted, err
}

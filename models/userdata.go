package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// A user's own data: the export of everything stored about them, and the
// anonymisation of a user who leaves (admins only, both).

// UserExport is everything Nalgae stores about one user, for the user or a
// data-protection request. It never holds the password hash or the refresh
// tokens' hashes.
type UserExport struct {
	ExportedAt time.Time `json:"exported_at"`
	User       User      `json:"user"`
	// ProgramStaff: the programs the user teaches or views as city staff.
	ProgramStaff    []ProgramStaff       `json:"program_staff"`
	TeamMemberships []UserTeamMembership `json:"team_memberships"`
	MerchantsOwned  []Merchant           `json:"merchants_owned"`
	Comments        []Comment            `json:"comments"`
	// EvaluationsGiven are the grades the user gave as a professor.
	EvaluationsGiven []Evaluation `json:"evaluations_given"`
	// The entries and sales records the user approved or returned, and the
	// sales records they confirmed. Who created or edited an entry is
	// recorded only in the audit log: see AuditEventsByUser.
	ReviewedMetrics []MetricEntry `json:"reviewed_metrics"`
	ReviewedSales   []SalesRecord `json:"reviewed_sales"`
	ConfirmedSales  []SalesRecord `json:"confirmed_sales"`
	// AuditEventsByUser are the writes the user made (and their logins);
	// AuditEventsAboutUser the events whose subject is the user's account.
	AuditEventsByUser    []AuditEvent `json:"audit_events_by_user"`
	AuditEventsAboutUser []AuditEvent `json:"audit_events_about_user"`
	// Sessions are the user's refresh tokens, without their hashes.
	Sessions []SessionInfo `json:"sessions"`
	// FailedLogins are the recent failed logins with the user's e-mail
	// (kept 15 minutes for throttling), with the address they came from.
	FailedLogins []FailedLogin `json:"failed_logins"`
}

// FailedLogin is one failed login kept for throttling.
type FailedLogin struct {
	At time.Time `json:"at"`
	IP string    `json:"ip"`
}

// UserTeamMembership is one team the user is on.
type UserTeamMembership struct {
	TeamID    uint64    `json:"team_id"`
	TeamName  string    `json:"team_name"`
	ProgramID uint64    `json:"program_id"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// SessionInfo is a refresh token's metadata.
type SessionInfo struct {
	ID        uint64     `json:"id"`
	FamilyID  string     `json:"family_id"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	UsedAt    *time.Time `json:"used_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// adminOnlyUser is the access rule of the user-data actions: admins only;
// others get 403 for a user they may look up and 404 for anyone else.
func (s *Store) adminOnlyUser(ctx context.Context, actor Actor, id uint64) error {
	if canAdminister(actor) {
		return nil
	}
	if _, err := s.GetUser(ctx, actor, id); err != nil {
		return err
	}
	return ErrForbidden
}

// ExportUser gathers everything stored about user id (admins only). The
// export is itself audited: it is a read of personal data.
func (s *Store) ExportUser(ctx context.Context, actor Actor, id uint64) (*UserExport, error) {
	if err := s.adminOnlyUser(ctx, actor, id); err != nil {
		return nil, err
	}
	out := &UserExport{ExportedAt: nowUTC()}
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := first(tx, &out.User, id); err != nil {
			return nil, err
		}
		if err := gatherUserData(tx, id, out); err != nil {
			return nil, fmt.Errorf("export user %d: %w", id, err)
		}
		return []audit{{action: "export", entity: "user", entityID: id}}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func gatherUserData(tx *gorm.DB, id uint64, out *UserExport) error {
	var err error
	if out.ProgramStaff, err = findAll[ProgramStaff](tx.Where("user_id = ?", id), "id"); err != nil {
		return fmt.Errorf("program staff: %w", err)
	}
	out.TeamMemberships, err = findAll[UserTeamMembership](tx.Model(&TeamMember{}).
		Select("team_members.team_id, teams.name AS team_name, teams.program_id, team_members.role, team_members.created_at").
		Joins("JOIN teams ON teams.id = team_members.team_id").Where("team_members.user_id = ?", id), "team_members.id")
	if err != nil {
		return fmt.Errorf("team memberships: %w", err)
	}
	if out.MerchantsOwned, err = findAll[Merchant](tx.Where("owner_user_id = ?", id), "id"); err != nil {
		return fmt.Errorf("merchants: %w", err)
	}
	if out.Comments, err = findAll[Comment](tx.Where("author_id = ?", id), "id"); err != nil {
		return fmt.Errorf("comments: %w", err)
	}
	for i := range out.Comments {
		out.Comments[i].AuthorName = out.User.Name
	}
	if out.EvaluationsGiven, err = findAll[Evaluation](tx.Where("author_id = ?", id), "id"); err != nil {
		return fmt.Errorf("evaluations: %w", err)
	}
	if out.ReviewedMetrics, err = findAll[MetricEntry](tx.Where("reviewed_by = ?", id), "id"); err != nil {
		return fmt.Errorf("reviewed entries: %w", err)
	}
	if out.ReviewedSales, err = findAll[SalesRecord](tx.Where("reviewed_by = ?", id), "id"); err != nil {
		return fmt.Errorf("reviewed sales: %w", err)
	}
	if out.ConfirmedSales, err = findAll[SalesRecord](tx.Where("confirmed_by = ?", id), "id"); err != nil {
		return fmt.Errorf("confirmed sales: %w", err)
	}
	if out.AuditEventsByUser, err = findAll[AuditEvent](tx.Where("user_id = ?", id), "id"); err != nil {
		return fmt.Errorf("audit events by the user: %w", err)
	}
	out.AuditEventsAboutUser, err = findAll[AuditEvent](tx.Where("entity = ? AND entity_id = ?", "user", id), "id")
	if err != nil {
		return fmt.Errorf("audit events about the user: %w", err)
	}
	out.Sessions, err = findAll[SessionInfo](tx.Model(&RefreshToken{}).
		Select("id, family_id, created_at, expires_at, used_at, revoked_at").Where("user_id = ?", id), "id")
	if err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	out.FailedLogins, err = findAll[FailedLogin](tx.Model(&LoginFailure{}).Select("at, ip").Where("email = ?", out.User.Email), "at")
	if err != nil {
		return fmt.Errorf("failed logins: %w", err)
	}
	return nil
}

// findAll runs q in order, answering [] rather than null when nothing matches.
func findAll[T any](q *gorm.DB, order string) ([]T, error) {
	rows := []T{}
	if err := q.Order(order).Find(&rows).Error; err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []T{}
	}
	return rows, nil
}

// AnonymisedCommentBody replaces the text of an anonymised user's comments.
const AnonymisedCommentBody = "(탈퇴한 사용자의 댓글 내용은 삭제되었습니다)"

// anonymisedPasswordHash is no bcrypt hash: no password matches it.
const anonymisedPasswordHash = "!anonymised"

// AnonymisedName and AnonymisedEmail are what an anonymised user is shown as.
func AnonymisedName(id uint64) string  { return fmt.Sprintf("탈퇴한 사용자 #%d", id) }
func AnonymisedEmail(id uint64) string { return fmt.Sprintf("deleted-%d@invalid", id) }

// AnonymiseUser erases a user who leaves (admins only): their name and email
// become placeholders, they can no longer log in, their sessions end, and
// the bodies of their comments are replaced, since free text may hold
// personal details. What they did stays: team memberships, the entries and
// sales records of their teams (so every KPI is unchanged), their grades and
// reviews, and the comments themselves, shown as the placeholder's. The
// audit log is not rewritten: it is append-only and hash-chained, the legal
// record of who changed published figures, readable by admins and the
// program's professors only; the anonymisation's own event records no
// personal data. Anonymising twice changes nothing more.
func (s *Store) AnonymiseUser(ctx context.Context, actor Actor, id uint64) (*User, error) {
	if err := s.adminOnlyUser(ctx, actor, id); err != nil {
		return nil, err
	}
	if id == actor.UserID {
		return nil, Conflict("invalid_state", "you cannot anonymise yourself")
	}
	var u User
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := first(tx, &u, id); err != nil {
			return nil, err
		}
		name, email := AnonymisedName(id), AnonymisedEmail(id)
		if u.Name == name && u.Email == email && u.Disabled && u.PasswordHash == anonymisedPasswordHash {
			return nil, nil // already anonymised: nothing to do, nothing to audit
		}
		typed := u.Email
		u.Name, u.Email, u.Disabled, u.PasswordHash = name, email, true, anonymisedPasswordHash
		u.TokenVersion++ // their access tokens fail at once
		if err := tx.Save(&u).Error; err != nil {
			return nil, fmt.Errorf("anonymise user %d: %w", id, err)
		}
		// Failed logins keep the address as typed (for throttling only); the
		// departed user's go with the rest.
		if err := tx.Where("email = ?", typed).Delete(&LoginFailure{}).Error; err != nil {
			return nil, fmt.Errorf("anonymise user %d: login failures: %w", id, err)
		}
		if err := revokeUserTokens(tx, id); err != nil {
			return nil, fmt.Errorf("anonymise user %d: revoke sessions: %w", id, err)
		}
		redacted := tx.Model(&Comment{}).Where("author_id = ? AND body <> ?", id, AnonymisedCommentBody).
			Updates(map[string]any{"body": AnonymisedCommentBody, "updated_at": nowUTC()})
		if redacted.Error != nil {
			return nil, fmt.Errorf("anonymise user %d: comments: %w", id, redacted.Error)
		}
		// No "before": it would copy into the log what is being erased.
		return []audit{{action: "anonymise", entity: "user", entityID: id,
			after: map[string]any{"user": u, "comments_redacted": redacted.RowsAffected}}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// CommentInput is a new comment on a team, optionally on one of its
// campaigns or entries.
type CommentInput struct {
	Body       string
	CampaignID *uint64
	MetricID   *uint64
}

// CreateComment adds a comment (admins, the program's professors, the team's
// students and the merchant's owner).
func (s *Store) CreateComment(ctx context.Context, actor Actor, teamID uint64, in CommentInput) (*Comment, error) {
	var c Comment
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canComment()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		p := Problems{}
		checkText(p, "body", in.Body, 4000, true)
		if in.CampaignID != nil {
			var n int64
			tx.Model(&Campaign{}).Where("id = ? AND team_id = ?", *in.CampaignID, teamID).Count(&n)
			p.Check(n == 0, "campaign_id", "is not a campaign of this team")
		}
		if in.MetricID != nil {
			var m MetricEntry
			err := tx.Joins("JOIN campaigns ON campaigns.id = metric_entries.campaign_id").
				Where("metric_entries.id = ? AND campaigns.team_id = ?", *in.MetricID, teamID).First(&m).Error
			if err != nil {
				p.Add("metric_id", "is not an entry of this team")
			} else if in.CampaignID == nil {
				in.CampaignID = ptr(m.CampaignID)
			}
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		var author User
		if err := first(tx, &author, actor.UserID); err != nil {
			return nil, err
		}
		c = Comment{TeamID: teamID, CampaignID: in.CampaignID, MetricID: in.MetricID, AuthorID: actor.UserID,
			AuthorName: author.Name, Body: strings.TrimSpace(in.Body)}
		if err := tx.Create(&c).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "comment", entityID: c.ID, programID: t.ProgramID, after: c}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CommentFilter narrows ListComments.
type CommentFilter struct {
	CampaignID, MetricID uint64
	ListOptions
}

// ListComments lists a team's comments, oldest first.
func (s *Store) ListComments(ctx context.Context, actor Actor, teamID uint64, f CommentFilter) (Page[Comment], error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadTeam(tx, actor, teamID)
	if err != nil {
		return Page[Comment]{}, err
	}
	if err := allow(rel, rel.canComment()); err != nil {
		return Page[Comment]{}, err
	}
	q := tx.Model(&Comment{}).Where("team_id = ?", teamID)
	if f.CampaignID != 0 {
		q = q.Where("campaign_id = ?", f.CampaignID)
	}
	if f.MetricID != 0 {
		q = q.Where("metric_id = ?", f.MetricID)
	}
	page, err := paginate(q, "id", f.ListOptions, func(c Comment) uint64 { return c.ID })
	if err != nil {
		return page, err
	}
	ids := make([]uint64, len(page.Items))
	for i, c := range page.Items {
		ids[i] = c.AuthorID
	}
	users, err := usersByID(tx, ids)
	for i := range page.Items {
		page.Items[i].AuthorName = users[page.Items[i].AuthorID].Name
	}
	return page, err
}

// DeleteComment removes a comment: its author, or a reviewer of the team.
func (s *Store) DeleteComment(ctx context.Context, actor Actor, id uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		var c Comment
		if err := first(tx, &c, id); err != nil {
			return nil, err
		}
		t, rel, err := loadTeam(tx, actor, c.TeamID)
		if err != nil {
			return nil, err
		}
		if !rel.canComment() {
			return nil, ErrNotFound
		}
		if c.AuthorID != actor.UserID && !rel.canReview() {
			return nil, ErrForbidden
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		if err := tx.Delete(&Comment{}, id).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "comment", entityID: id, programID: t.ProgramID, before: c}}, nil
	})
}

package seed

import (
	"fmt"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

// The merchants' own progress in the demo (SPEC §13): every merchant of the
// 2026 program assessed at its start and near its end, and the program of
// the year before, closed, whose follow-ups are partly answered, so that
// its report's sustainability has real numbers and the demo merchant has a
// follow-up due now.

// demoAssessment builds the twelve answers of team i at a stage. At the
// start the merchants already ran a store (around 3) but had never bought an
// ad (1); content and data sat between. By the end every answer is higher,
// advertising and the store most, data use least: what the teams worked on.
func demoAssessment(i int, stage string) map[string]int {
	start := map[string]int{"store": 3, "ads": 1, "content": 2, "data": 1}
	gain := map[string]int{"store": 1, "ads": 2, "content": 1, "data": 1}
	out := map[string]int{}
	for j, it := range models.AssessmentItems {
		v := start[it.Area]
		if (i+j)%3 == 0 {
			v++
		}
		if stage == models.StageEndline {
			v += gain[it.Area]
			if (i*j+j)%4 == 1 {
				v++
			}
		}
		out[it.Key] = min(5, v)
	}
	return out
}

// demoProgress adds the self-reliance assessments and the closed program of
// the year before.
func (d *demoSeeder) demoProgress() error {
	for i := range demoTeams {
		for _, st := range []struct {
			stage string
			on    string
			by    models.Actor
		}{
			// The team's students interview the merchant at the start; at
			// the end the demo merchant answers alone, the others with
			// their students.
			{models.StageBaseline, "2026-09-04", d.leaders[i]},
			{models.StageEndline, "2026-11-27", d.endlineActor(i)},
		} {
			on := civil.MustParse(st.on)
			if _, err := d.s.CreateAssessment(d.ctx, st.by, d.teams[i].MerchantID, models.AssessmentInput{
				ProgramID: d.program.ID, Stage: ptr(st.stage), AssessedOn: &on, Answers: demoAssessment(i, st.stage),
			}); err != nil {
				return fmt.Errorf("%s assessment of %s: %w", st.stage, demoTeams[i].merchant, err)
			}
		}
	}
	return d.lastYearProgram()
}

func (d *demoSeeder) endlineActor(i int) models.Actor {
	if demoTeams[i].ownerLogin {
		return d.owner
	}
	return d.leaders[i]
}

// demoLastYearProgram is the first year of the program, closed a year ago.
// Its follow-ups come 3, 6 and 12 months after its end: 2026-02-28,
// 2026-05-28 and 2026-11-28.
var demoLastYearProgram = models.ProgramInput{
	Name:           ptr("2025 부산 소상공인 디지털 전환 (1기)"),
	City:           ptr("부산광역시"),
	University:     ptr("국립부경대학교"),
	Partner:        ptr("네이버"),
	Course:         ptr("콘텐츠마케팅"),
	StartsOn:       ptr(civil.MustParse("2025-09-01")),
	EndsOn:         ptr(civil.MustParse("2025-11-28")),
	Status:         ptr(models.ProgramActive),
	FollowupMonths: []int{3, 6, 12},
}

// demoFollowUp is the answer to one follow-up of last year's program; a
// missing entry leaves it open.
type demoFollowUp struct {
	on       string
	selling  bool
	channels []models.Kind
	salesKRW int64
	note     string
}

// demoLastYearTeams are the merchants of last year's program (indexes into
// demoTeams) and their answers by follow-up month. 이도공감 (the demo
// merchant's store) has answered at 3 and 6 months; its 12-month follow-up
// is due now. Figures by round, as the report must show them:
//
//	 3 months: 6 due, 6 answered, 5 continuing → 83.3%
//	 6 months: 6 due, 5 answered, 4 continuing → 80%
//	12 months: 6 due, 3 answered, 2 continuing → 66.7%
var demoLastYearTeams = []struct {
	team    int
	answers map[int]demoFollowUp
}{
	{0, map[int]demoFollowUp{
		3: {"2026-03-02", true, []models.Kind{models.KindLiveCommerce, models.KindSearchAd}, 21_000_000, "쇼핑라이브를 한 달에 두 번 직접 진행합니다"},
		6: {"2026-06-01", true, []models.Kind{models.KindLiveCommerce, models.KindSmartStore}, 23_500_000, "검색광고 예산을 직접 조정하고 있어요"},
	}},
	{1, map[int]demoFollowUp{
		3:  {"2026-03-03", true, []models.Kind{models.KindShoppingAd}, 19_000_000, ""},
		6:  {"2026-05-29", true, []models.Kind{models.KindShoppingAd, models.KindSearchAd}, 20_400_000, ""},
		12: {"2026-11-30", true, []models.Kind{models.KindShoppingAd}, 22_100_000, "겨울 니트 기획전 준비 중"},
	}},
	{3, map[int]demoFollowUp{
		3:  {"2026-03-05", true, []models.Kind{models.KindSNS}, 7_200_000, ""},
		6:  {"2026-06-03", true, []models.Kind{models.KindSNS}, 7_600_000, ""},
		12: {"2026-12-01", false, nil, 0, "오프라인 매장에 집중하기로 했습니다"},
	}},
	{4, map[int]demoFollowUp{
		3: {"2026-03-04", true, []models.Kind{models.KindLiveCommerce}, 11_000_000, ""},
		6: {"2026-06-02", false, nil, 0, "방송 인력이 없어 잠시 쉬고 있습니다"},
	}},
	{5, map[int]demoFollowUp{
		3:  {"2026-03-02", true, []models.Kind{models.KindSearchAd, models.KindSNS}, 9_800_000, ""},
		6:  {"2026-06-01", true, []models.Kind{models.KindSearchAd}, 10_300_000, ""},
		12: {"2026-11-29", true, []models.Kind{models.KindSearchAd, models.KindSNS}, 12_000_000, ""},
	}},
	{6, map[int]demoFollowUp{
		3: {"2026-03-06", false, nil, 0, "주문 처리가 어려워 온라인 판매를 멈췄습니다"},
	}},
}

// lastYearProgram creates last year's program with its teams (the students
// of that year have left: the teams have no members), their baseline and
// endline assessments, closes it (which schedules the follow-ups) and
// records the answers given so far: 이도공감's by its owner, the others by
// the professor, who called the merchants (answered on their behalf).
func (d *demoSeeder) lastYearProgram() error {
	p, err := d.s.CreateProgram(d.ctx, d.admin, demoLastYearProgram)
	if err != nil {
		return fmt.Errorf("last year's program: %w", err)
	}
	for _, id := range []uint64{d.prof.UserID, d.cityID} {
		if _, err := d.s.AddStaff(d.ctx, d.admin, p.ID, models.StaffInput{UserID: id}); err != nil {
			return fmt.Errorf("last year's staff: %w", err)
		}
	}
	teamOf := map[uint64]int{} // team id → demoLastYearTeams index
	for k, lt := range demoLastYearTeams {
		spec := demoTeams[lt.team]
		merchantID := d.teams[lt.team].MerchantID
		t, err := d.s.CreateTeam(d.ctx, d.prof, p.ID, models.TeamInput{Name: ptr(spec.merchant + " 1기 팀"), MerchantID: &merchantID})
		if err != nil {
			return fmt.Errorf("last year's team of %s: %w", spec.merchant, err)
		}
		teamOf[t.ID] = k
		// A year earlier the merchants knew less: last year's endline is
		// this year's baseline, and its baseline one point lower still.
		for _, st := range []struct{ stage, on string }{{models.StageBaseline, "2025-09-03"}, {models.StageEndline, "2025-11-26"}} {
			answers := demoAssessment(lt.team, models.StageBaseline)
			if st.stage == models.StageBaseline {
				for key, v := range answers {
					answers[key] = max(1, v-1)
				}
			}
			on := civil.MustParse(st.on)
			if _, err := d.s.CreateAssessment(d.ctx, d.prof, merchantID, models.AssessmentInput{
				ProgramID: p.ID, Stage: ptr(st.stage), AssessedOn: &on, Answers: answers,
			}); err != nil {
				return fmt.Errorf("last year's %s assessment of %s: %w", st.stage, spec.merchant, err)
			}
		}
	}
	if _, err := d.s.UpdateProgram(d.ctx, d.admin, p.ID, models.ProgramInput{Status: ptr(models.ProgramClosed), Version: &p.Version}); err != nil {
		return fmt.Errorf("close last year's program: %w", err)
	}
	followUps, err := d.s.ListFollowUps(d.ctx, d.admin, p.ID, models.FollowUpFilter{}, models.ListOptions{Limit: models.MaxLimit})
	if err != nil {
		return fmt.Errorf("last year's follow-ups: %w", err)
	}
	for _, f := range followUps.Items {
		lt := demoLastYearTeams[teamOf[f.TeamID]]
		a, ok := lt.answers[f.Months]
		if !ok {
			continue
		}
		by := d.prof
		if demoTeams[lt.team].ownerLogin {
			by = d.owner
		}
		on := civil.MustParse(a.on)
		in := models.FollowUpAnswer{AnsweredOn: &on, StillSellingOnline: ptr(a.selling), ChannelsActive: a.channels}
		if a.salesKRW > 0 {
			in.MonthlySalesKRW = ptr(a.salesKRW)
		}
		if a.note != "" {
			in.Note = ptr(a.note)
		}
		if _, err := d.s.AnswerFollowUp(d.ctx, by, f.ID, in); err != nil {
			return fmt.Errorf("answer %s's %d-month follow-up: %w", demoTeams[lt.team].merchant, f.Months, err)
		}
	}
	return nil
}

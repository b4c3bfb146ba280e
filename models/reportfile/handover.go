package reportfile

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/kpi"
)

// The merchant's hand-over workbook (SPEC §13.2): everything one team did
// for the merchant, so that the merchant can carry on alone. Korean only:
// it is the merchant's own file. The first sheet says in plain words what
// each sheet holds.

// handoverSheets are the sheets after the guide, with what the guide says
// of each.
var handoverSheets = []struct{ name, about string }{
	{"캠페인", "학생들과 함께 진행한 온라인 마케팅 캠페인 목록입니다. 종류, 이름, 시작일과 종료일, 예산, 목표 광고수익률이 있습니다."},
	{"일별 기록", "캠페인별로 날마다 기록한 광고비, 노출수, 클릭수, 전환수, 전환매출, 라이브 시청자 수와 검토 상태입니다."},
	{"매출", "기간별로 기록한 상점의 매출과 주문 수, 판매 채널, 검토·확인 상태입니다."},
	{"성과 지표", "위 기록으로 계산한 주요 지표(광고수익률, 클릭률, 전환율, 객단가 등)와 사업 전후 매출 비교입니다."},
	{"목표", "팀이 세운 지표별 목표와 지금까지의 달성률입니다. 달성률은 승인된 기록으로 계산합니다."},
	{"디지털 자립도", "사업 전과 후에 스스로 평가한 열두 가지 항목의 점수(1~5)와 영역별 점수(0~100)입니다."},
	{"사후 점검", "사업이 끝난 뒤 몇 달 후에 온라인 판매를 계속하고 있는지 묻는 점검 일정과 답변입니다."},
}

// WriteHandoverXLSX writes h as the merchant's hand-over workbook.
func WriteHandoverXLSX(w io.Writer, h *models.Handover) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	styles, bold, err := workbookStyles(f)
	if err != nil {
		return err
	}
	const guide = "안내"
	if err := f.SetSheetName("Sheet1", guide); err != nil {
		return err
	}
	g := &sheetWriter{f: f, sheet: guide, row: 1, styles: styles}
	g.line(h.Merchant.Name + " 인수인계 자료")
	g.line("사업", h.Program.Name)
	g.line("팀", h.Team.Name)
	g.line("기간", h.Program.StartsOn.String()+" – "+h.Program.EndsOn.String())
	g.row++
	g.line("이 파일은 학생들과 함께 한 온라인 판매 활동의 기록입니다. 사업이 끝난 뒤에도 직접 이어서 관리할 수 있도록 모두 담았습니다.")
	g.line("아래 시트마다 무엇이 들어 있는지 적었습니다.")
	g.row++
	g.line("시트", "내용")
	for _, sh := range handoverSheets {
		g.line(sh.name, sh.about)
	}
	g.row++
	g.line("검토 상태: draft(작성 중), submitted(제출됨), returned(반려됨), approved(승인됨)")
	if g.err != nil {
		return g.err
	}
	if err := f.SetColWidth(guide, "A", "A", 16); err != nil {
		return err
	}
	if err := f.SetColWidth(guide, "B", "B", 90); err != nil {
		return err
	}
	if err := f.SetRowStyle(guide, 1, 1, bold); err != nil {
		return err
	}

	campaignName := map[uint64]string{}
	for _, c := range h.Campaigns {
		campaignName[c.ID] = c.Name
	}
	sheets := []func(*sheetWriter){
		func(s *sheetWriter) {
			s.line("종류", "이름", "시작일", "종료일", "예산(원)", "목표 광고수익률")
			for _, c := range h.Campaigns {
				s.put(1, cellText, models.KindName(models.LocaleKo, c.Kind))
				s.put(2, cellText, c.Name)
				s.put(3, cellDate, c.StartsOn)
				s.put(4, cellDate, c.EndsOn)
				s.put(5, cellWon, c.BudgetKRW)
				s.put(6, cellPct, c.TargetRoasPct)
				s.row++
			}
		},
		func(s *sheetWriter) {
			s.line("캠페인", "날짜", "광고비(원)", "노출수", "클릭수", "전환수", "전환매출(원)", "시청자수", "최고 동시 시청자", "방송 시간(분)", "상태")
			for _, e := range h.Entries {
				s.put(1, cellText, campaignName[e.CampaignID])
				s.put(2, cellDate, e.Date)
				s.put(3, cellWon, e.SpendKRW)
				s.put(4, cellCount, e.Impressions)
				s.put(5, cellCount, e.Clicks)
				s.put(6, cellCount, e.Conversions)
				s.put(7, cellWon, e.RevenueKRW)
				s.put(8, cellCount, e.Viewers)
				s.put(9, cellCount, e.PeakViewers)
				s.put(10, cellCount, e.DurationMin)
				s.put(11, cellText, string(e.Status))
				s.row++
			}
		},
		func(s *sheetWriter) {
			s.line("시작일", "종료일", "채널", "매출(원)", "주문 수", "상태", "상점 확인")
			for _, r := range h.Sales {
				s.put(1, cellDate, r.PeriodStart)
				s.put(2, cellDate, r.PeriodEnd)
				s.put(3, cellText, r.Channel)
				s.put(4, cellWon, r.SalesKRW)
				s.put(5, cellCount, r.Orders)
				s.put(6, cellText, string(r.Status))
				confirmed := "아니오"
				if r.ConfirmedAt != nil {
					confirmed = "예"
				}
				s.put(7, cellText, confirmed)
				s.row++
			}
		},
		func(s *sheetWriter) {
			s.line("지표", "전체")
			for _, kr := range kpiRows {
				s.put(1, cellText, kr.ko)
				s.put(2, kr.kind, kr.value(&h.KPIs.Total))
				s.row++
			}
			s.row++
			s.put(1, cellText, "사업 전 매출(원)")
			s.put(2, cellWon, h.KPIs.SalesBeforeKRW)
			s.row++
			s.put(1, cellText, "사업 후 매출(원)")
			s.put(2, cellWon, h.KPIs.SalesAfterKRW)
			s.row++
			s.put(1, cellText, "매출 성장률")
			s.put(2, cellPct, h.KPIs.SalesGrowthPct)
			s.row++
		},
		func(s *sheetWriter) {
			s.line("지표", "광고 종류", "방향", "기준값", "목표값", "실적", "달성률", "상태", "메모")
			for _, t := range h.Targets {
				s.put(1, cellText, targetKPIName[t.KPI])
				if t.Kind != nil {
					s.put(2, cellText, models.KindName(models.LocaleKo, *t.Kind))
				}
				s.put(3, cellText, map[string]string{models.DirectionIncrease: "높일수록 좋음", models.DirectionDecrease: "낮출수록 좋음"}[t.Direction])
				s.put(4, cellText, targetNumber(t.Baseline))
				s.put(5, cellText, targetNumber(&t.Target))
				s.put(6, cellText, targetNumber(t.Actual))
				if t.AttainmentPct != nil {
					s.put(7, cellText, models.FormatPct(*t.AttainmentPct)+"%")
				}
				s.put(8, cellText, targetStatusName[t.Status])
				s.put(9, cellText, t.Note)
				s.row++
			}
		},
		func(s *sheetWriter) {
			head := []string{"항목"}
			for _, a := range h.Assessments {
				head = append(head, stageName(a.Stage)+" ("+a.AssessedOn.String()+")")
			}
			s.line(head...)
			for _, it := range models.AssessmentItems {
				s.put(1, cellText, it.Ko)
				for i, a := range h.Assessments {
					s.put(2+i, cellCount, int64(a.Answers[it.Key]))
				}
				s.row++
			}
			s.row++
			for _, area := range models.AssessmentAreas {
				s.put(1, cellText, areaName[area]+" 점수(0~100)")
				for i, a := range h.Assessments {
					s.put(2+i, cellScore, ptrTo(a.Scores.Area(area)))
				}
				s.row++
			}
			s.put(1, cellText, "전체 점수(0~100)")
			for i, a := range h.Assessments {
				s.put(2+i, cellScore, ptrTo(a.Scores.Overall))
			}
			s.row++
		},
		func(s *sheetWriter) {
			s.line("종료 후 개월", "예정일", "응답일", "온라인 판매 지속", "활동 중인 채널", "월 매출(원)", "메모")
			for _, fu := range h.FollowUps {
				s.put(1, cellCount, int64(fu.Months))
				s.put(2, cellDate, fu.DueOn)
				if fu.AnsweredOn != nil {
					s.put(3, cellDate, *fu.AnsweredOn)
				}
				if fu.StillSellingOnline != nil {
					s.put(4, cellText, map[bool]string{true: "예", false: "아니오"}[*fu.StillSellingOnline])
				}
				names := make([]string, len(fu.ChannelsActive))
				for i, k := range fu.ChannelsActive {
					names[i] = models.KindName(models.LocaleKo, k)
				}
				s.put(5, cellText, strings.Join(names, ", "))
				s.put(6, cellWon, fu.MonthlySalesKRW)
				if fu.Note != nil {
					s.put(7, cellText, *fu.Note)
				}
				s.row++
			}
		},
	}
	for i, sh := range handoverSheets {
		if _, err := f.NewSheet(sh.name); err != nil {
			return err
		}
		s := &sheetWriter{f: f, sheet: sh.name, row: 1, styles: styles}
		sheets[i](s)
		if s.err != nil {
			return s.err
		}
		if err := f.SetRowStyle(sh.name, 1, 1, bold); err != nil {
			return err
		}
		if err := f.SetColWidth(sh.name, "A", "A", 28); err != nil {
			return err
		}
		if err := f.SetColWidth(sh.name, "B", "K", 15); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

var areaName = map[string]string{"store": "온라인 스토어", "ads": "광고", "content": "콘텐츠·라이브커머스", "data": "데이터 활용"}

func stageName(stage string) string {
	switch stage {
	case models.StageBaseline:
		return "사전"
	case models.StageEndline:
		return "사후"
	case models.StageFollowup:
		return "사후 점검"
	}
	return stage
}

// targetKPIName names a target's KPI as the SPA's Korean locale does.
var targetKPIName = map[models.TargetKPI]string{
	models.TargetSalesGrowthPct: "매출 성장률(%)", models.TargetSalesAfterKRW: "이후 매출(원)",
	models.TargetRoasPct: "광고수익률(%)", models.TargetRevenueKRW: "전환매출(원)", models.TargetConversions: "전환수",
	models.TargetCtrPct: "클릭률(%)", models.TargetCvrPct: "전환율(%)", models.TargetCpaKRW: "전환당비용(원)",
}

var targetStatusName = map[string]string{kpi.StatusMet: "달성", kpi.StatusOnTrack: "순항", kpi.StatusBehind: "미흡", kpi.StatusNoData: "데이터 없음"}

// targetNumber writes a target's figure to one decimal (won and counts come
// out whole); empty when there is none. Text, since one column mixes won,
// counts and percentages.
func targetNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return models.FormatPct(*v)
}

func ptrTo(v float64) *float64 { return &v }

// HandoverFileName is the download name of a team's workbook.
func HandoverFileName(h *models.Handover) string {
	return "nalgae-handover-" + strconv.FormatUint(h.Team.ID, 10) + ".xlsx"
}

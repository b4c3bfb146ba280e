// Package seed loads data through the Store's one bulk write path (models.Loader):
// the demo program of the founding story (SPEC §9) and deterministic synthetic
// programs for benchmarks (nalgae seed --scale N).
package seed

import (
	"cmp"
	"context"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/nalgae/nalgae/models"
	"github.com/nalgae/nalgae/models/civil"
)

// DemoLogin is a demo user's credentials, printed by `nalgae seed --demo`.
type DemoLogin struct {
	Role     models.Role
	Email    string
	Password string
}

// demoLogins are the demo users, one per role, in the order SeedDemo returns
// them. The passwords are public on purpose: they are printed by the seed
// command and belong on a demo instance only.
var demoLogins = []DemoLogin{
	{models.RoleAdmin, "admin@demo.nalgae.kr", "demo-admin-2026"},
	{models.RoleProfessor, "professor@demo.nalgae.kr", "demo-professor-2026"},
	{models.RoleStudent, "student@demo.nalgae.kr", "demo-student-2026"},
	{models.RoleMerchant, "merchant@demo.nalgae.kr", "demo-merchant-2026"},
	{models.RoleCity, "city@demo.nalgae.kr", "demo-city-2026"},
}

// demoNames are the demo logins' display names, by role.
var demoNames = map[models.Role]string{
	models.RoleAdmin:     "날개 관리자",
	models.RoleProfessor: "정해원",
	models.RoleStudent:   "박서연",
	models.RoleMerchant:  "이도현",
	models.RoleCity:      "최지훈",
}

// demoProgram is the program of the founding story (SPEC §9).
var demoProgram = models.ProgramInput{
	Name:       ptr("2026 부산 소상공인 디지털 전환 (콘텐츠마케팅)"),
	City:       ptr("부산광역시"),
	University: ptr("국립부경대학교"),
	Partner:    ptr("네이버"),
	Course:     ptr("콘텐츠마케팅"),
	StartsOn:   ptr(civil.MustParse("2026-09-01")),
	EndsOn:     ptr(civil.MustParse("2026-12-18")),
	Status:     ptr(models.ProgramActive),
}

// demoTeam is one student–merchant team with the work it did.
type demoTeam struct {
	merchant, category, region, storeSlug string
	offline                               bool
	ownerLogin                            bool     // the merchant demo login owns this store
	studentLogin                          bool     // the student demo login leads this team
	students                              []string // names; the first leads unless the demo student does
	campaigns                             []demoCampaign
	sales                                 demoSales
}

// demoCampaign describes a campaign and how its daily numbers are made up.
// Every campaign ends on or before 2026-11-20, so that the default
// sales-growth windows never reach "today" and the headline figures do not
// change with the date the demo is looked at.
type demoCampaign struct {
	kind       models.Kind
	name       string
	from, to   string
	budget     int64
	targetRoas float64 // 0: none

	// Paid ads: the average day's spend and cost per click; revenue is then
	// spread so that the campaign's ROAS is exactly roasPct.
	spendPerDay, cpc, roasPct int64
	// Organic reach (spend 0): the average day's impressions.
	impressionsPerDay int64
	// ctrBP is clicks per impression (per viewer for live commerce), cvrBP
	// conversions per click, both in basis points (1/10,000).
	ctrBP, cvrBP int64
	aov          int64 // average order value of organic and live sales
	// trendFrom and trendTo (percent) shape the campaign's learning curve.
	trendFrom, trendTo int64
	live               *demoLive
	// inReview is how many of the last days go through the review workflow
	// instead of being loaded approved: the first of them is returned with a
	// note, the rest wait in the professor's queue.
	inReview int
}

// demoLive is a Naver Shopping Live (쇼핑라이브) schedule: broadcasts on some
// weekdays, replays (다시보기) watched on the other days.
type demoLive struct {
	weekdays                 []time.Weekday
	viewers, replayViewers   int64 // per broadcast, per replay day
	durationMin, durationMax int64
}

// demoSales is how a merchant's own sales are made up. Records are monthly
// (demoSalesPeriods). Either amounts are given, or they follow a daily rate
// of perDay, raised by growthPct while the team's campaigns run.
type demoSales struct {
	channel   string
	perDay    int64
	growthPct int64
	amounts   []int64 // explicit figures, one per demoSalesPeriods entry
	aov       int64   // for the order counts
	// pendingLast leaves the last record submitted (and confirmed by the
	// owner) for the professor to approve.
	pendingLast bool
}

var demoSalesPeriods = [][2]string{
	{"2026-06-01", "2026-06-30"}, {"2026-07-01", "2026-07-31"}, {"2026-08-01", "2026-08-31"},
	{"2026-09-01", "2026-09-30"}, {"2026-10-01", "2026-10-31"}, {"2026-11-01", "2026-11-20"},
}

// demoTeams are the nine teams. The first two carry the founding story's
// headline results, which the program report must state exactly:
//
//   - 이도공감's first campaign is the live commerce series of 2026-10-01 to
//     10-31 and its other campaigns run inside it, so the growth windows are
//     after = 10-01..10-31 and before = 08-31..09-30. The before window holds
//     1/31 of August (18,600,000 / 31 = 600,000) and all of September
//     (19,400,000): 20,000,000. October is 45,400,000 = 2.27 × that: +127%.
//   - 아뮤즈마켓 has one shopping-ad campaign, whose revenue is made exactly
//     6.29 × its spend: ROAS 629%.
//
// The other teams' best results stay below both, so the two headlines lead
// the report's highlights.
var demoTeams = []demoTeam{
	{
		merchant: "이도공감", category: "텐트/캠핑", region: "부산 강서구", storeSlug: "idogonggam", offline: true,
		ownerLogin: true, studentLogin: true, students: []string{"김도윤", "이하은"},
		campaigns: []demoCampaign{
			{kind: models.KindLiveCommerce, name: "쇼핑라이브 가을 캠핑 기획전", from: "2026-10-01", to: "2026-10-31",
				ctrBP: 1200, cvrBP: 350, aov: 185_000, trendFrom: 70, trendTo: 130,
				live: &demoLive{weekdays: []time.Weekday{time.Thursday, time.Sunday}, viewers: 1800, replayViewers: 150, durationMin: 60, durationMax: 90}},
			{kind: models.KindSearchAd, name: "파워링크 캠핑용품 키워드", from: "2026-10-08", to: "2026-10-31", budget: 800_000, targetRoas: 200,
				spendPerDay: 30_000, cpc: 650, ctrBP: 160, cvrBP: 80, roasPct: 185, trendFrom: 90, trendTo: 110},
			{kind: models.KindShortClip, name: "숏클립 텐트 설치 꿀팁", from: "2026-10-12", to: "2026-10-31",
				impressionsPerDay: 3500, ctrBP: 120, cvrBP: 150, aov: 120_000, trendFrom: 60, trendTo: 140},
		},
		sales: demoSales{channel: models.ChannelAll, aov: 165_000, pendingLast: true,
			amounts: []int64{16_830_000, 17_540_000, 18_600_000, 19_400_000, 45_400_000, 24_860_000}},
	},
	{
		merchant: "아뮤즈마켓", category: "여성의류", region: "부산 부산진구", storeSlug: "amusemarket", offline: true,
		students: []string{"정민준", "최지우", "한예린"},
		campaigns: []demoCampaign{
			{kind: models.KindShoppingAd, name: "쇼핑검색광고 가을 니트·아우터", from: "2026-09-14", to: "2026-11-15", budget: 3_000_000, targetRoas: 500,
				spendPerDay: 42_000, cpc: 210, ctrBP: 90, cvrBP: 360, roasPct: 629, trendFrom: 80, trendTo: 120},
			{kind: models.KindSearchAd, name: "파워링크 서면 여성의류 키워드", from: "2026-09-21", to: "2026-11-15", budget: 1_000_000, targetRoas: 300,
				spendPerDay: 15_000, cpc: 480, ctrBP: 210, cvrBP: 240, roasPct: 312, trendFrom: 90, trendTo: 110},
		},
		sales: demoSales{channel: models.ChannelAll, perDay: 560_000, growthPct: 75, aov: 42_000},
	},
	{
		merchant: "밀리웨어", category: "밀리터리 캐주얼 의류", region: "부산 금정구", storeSlug: "milliware", offline: false,
		students: []string{"윤서준", "강수아"},
		campaigns: []demoCampaign{
			{kind: models.KindSmartStore, name: "스마트스토어 상세페이지·리뷰 이벤트 개편", from: "2026-09-07", to: "2026-11-20",
				impressionsPerDay: 4200, ctrBP: 450, cvrBP: 280, aov: 52_000, trendFrom: 80, trendTo: 125},
			{kind: models.KindShoppingAd, name: "쇼핑검색광고 카고팬츠·야상", from: "2026-10-05", to: "2026-11-20", budget: 1_300_000, targetRoas: 250,
				spendPerDay: 25_000, cpc: 190, ctrBP: 80, cvrBP: 100, roasPct: 218, trendFrom: 85, trendTo: 115},
		},
		sales: demoSales{channel: models.ChannelOnline, perDay: 380_000, growthPct: 41, aov: 54_000},
	},
	{
		merchant: "앤더이어", category: "액세서리/귀걸이", region: "부산 수영구", storeSlug: "andtheear", offline: true,
		students: []string{"임채원", "오지호", "서유나"},
		campaigns: []demoCampaign{
			{kind: models.KindSearchAd, name: "파워링크 수제 귀걸이·선물 키워드", from: "2026-09-15", to: "2026-11-15", budget: 1_200_000, targetRoas: 250,
				spendPerDay: 18_000, cpc: 320, ctrBP: 190, cvrBP: 310, roasPct: 176, trendFrom: 85, trendTo: 115},
			{kind: models.KindSNS, name: "인스타그램 착용샷 릴스", from: "2026-09-22", to: "2026-11-15",
				impressionsPerDay: 5000, ctrBP: 90, cvrBP: 200, aov: 29_000, trendFrom: 60, trendTo: 150},
		},
		sales: demoSales{channel: models.ChannelAll, perDay: 210_000, growthPct: 150, aov: 27_000},
	},
	{
		merchant: "바다담은어묵", category: "수제어묵", region: "부산 영도구", storeSlug: "badadameun", offline: true,
		students: []string{"조현우", "신다은"},
		campaigns: []demoCampaign{
			{kind: models.KindLiveCommerce, name: "쇼핑라이브 수제어묵 선물세트", from: "2026-10-06", to: "2026-11-14",
				ctrBP: 1400, cvrBP: 600, aov: 38_000, trendFrom: 70, trendTo: 130,
				live: &demoLive{weekdays: []time.Weekday{time.Tuesday, time.Saturday}, viewers: 1200, replayViewers: 110, durationMin: 50, durationMax: 70}},
			{kind: models.KindSearchAd, name: "파워링크 부산어묵 선물 키워드", from: "2026-10-13", to: "2026-11-14", budget: 900_000, targetRoas: 200,
				spendPerDay: 22_000, cpc: 420, ctrBP: 230, cvrBP: 350, roasPct: 168, trendFrom: 90, trendTo: 115},
		},
		sales: demoSales{channel: models.ChannelAll, perDay: 450_000, growthPct: 125, aov: 31_000},
	},
	{
		merchant: "흰여울로스터리", category: "커피 원두", region: "부산 영도구", storeSlug: "huinyeoul-roastery", offline: true,
		students: []string{"배지훈", "송하린", "권나연"},
		campaigns: []demoCampaign{
			{kind: models.KindSearchAd, name: "파워링크 스페셜티 원두 키워드", from: "2026-09-08", to: "2026-10-31", budget: 1_100_000, targetRoas: 250,
				spendPerDay: 20_000, cpc: 380, ctrBP: 200, cvrBP: 420, roasPct: 205, trendFrom: 85, trendTo: 115},
			{kind: models.KindSNS, name: "인스타그램 흰여울 카페 브이로그", from: "2026-09-08", to: "2026-11-20",
				impressionsPerDay: 3800, ctrBP: 70, cvrBP: 250, aov: 21_000, trendFrom: 70, trendTo: 140},
			{kind: models.KindSearchAd, name: "파워링크 원두 정기배송 (11월)", from: "2026-11-01", to: "2026-11-20", budget: 500_000, targetRoas: 250,
				spendPerDay: 21_000, cpc: 400, ctrBP: 210, cvrBP: 450, roasPct: 214, trendFrom: 95, trendTo: 105, inReview: 4},
		},
		sales: demoSales{channel: models.ChannelAll, perDay: 330_000, growthPct: 22, aov: 23_000},
	},
	{
		merchant: "광안리수제화", category: "수제화", region: "부산 수영구", storeSlug: "gwangalli-shoes", offline: true,
		students: []string{"문서윤", "장우진"},
		campaigns: []demoCampaign{
			{kind: models.KindShoppingAd, name: "쇼핑검색광고 수제 로퍼·첼시부츠", from: "2026-09-21", to: "2026-11-08", budget: 1_400_000, targetRoas: 200,
				spendPerDay: 26_000, cpc: 280, ctrBP: 70, cvrBP: 35, roasPct: 163, trendFrom: 85, trendTo: 115},
		},
		sales: demoSales{channel: models.ChannelAll, perDay: 520_000, growthPct: 125, aov: 138_000},
	},
	{
		merchant: "동래명가한과", category: "전통한과", region: "부산 동래구", storeSlug: "dongnae-hangwa", offline: true,
		students: []string{"홍지민", "노하람", "유건우"},
		campaigns: []demoCampaign{
			{kind: models.KindSmartStore, name: "스마트스토어 추석 선물세트 기획전", from: "2026-09-01", to: "2026-11-20",
				impressionsPerDay: 2600, ctrBP: 520, cvrBP: 300, aov: 45_000, trendFrom: 100, trendTo: 100},
			{kind: models.KindSearchAd, name: "파워링크 한과 선물세트 키워드", from: "2026-09-03", to: "2026-11-20", budget: 1_300_000, targetRoas: 200,
				spendPerDay: 17_000, cpc: 350, ctrBP: 250, cvrBP: 150, roasPct: 172, trendFrom: 95, trendTo: 105},
		},
		sales: demoSales{channel: models.ChannelAll, perDay: 400_000, growthPct: 46, aov: 41_000},
	},
	{
		merchant: "기장바다미역", category: "건미역·해조류", region: "부산 기장군", storeSlug: "gijang-miyeok", offline: true,
		students: []string{"김나은", "이준서"},
		campaigns: []demoCampaign{
			{kind: models.KindShortClip, name: "숏클립 기장 미역 손질·요리", from: "2026-09-28", to: "2026-11-20",
				impressionsPerDay: 4500, ctrBP: 110, cvrBP: 300, aov: 26_000, trendFrom: 50, trendTo: 160},
			{kind: models.KindSmartStore, name: "스마트스토어 산지직송 상품 구성 개편", from: "2026-10-05", to: "2026-11-20",
				impressionsPerDay: 1800, ctrBP: 600, cvrBP: 350, aov: 28_000, trendFrom: 90, trendTo: 120},
		},
		sales: demoSales{channel: models.ChannelAll, perDay: 260_000, growthPct: 36, aov: 27_000},
	},
}

// demoSource marks the entries and sales the seed loaded.
const demoSource = "demo"

// SeedDemo loads the demo program (SPEC §9) and returns the demo logins in
// the order admin, professor, student, merchant, city. It runs in one
// transaction, so a failure leaves nothing behind; a database that already
// holds the demo (its admin login exists) is left as it is.
//
// The structure — program, staff, merchants, teams, campaigns, sales,
// reviews, comments and grades — goes through the Store, with its validation,
// access rules and audit trail. Two things are written directly, each row
// checked by the same validation and given its audit event:
//   - users, because their bcrypt hashes are what makes a seed slow: they are
//     computed in parallel, before the transaction takes the write lock;
//   - the ~960 approved daily entries, in bulk with one "import" event per
//     campaign: creating, submitting and approving each through the Store
//     made the seed take about 10 s instead of 2.
func Demo(ctx context.Context, s *models.Store) ([]DemoLogin, error) {
	if seeded, err := demoSeeded(ctx, s); err != nil {
		return nil, fmt.Errorf("seed demo: %w", err)
	} else if seeded {
		return slices.Clone(demoLogins), nil
	}
	hashes, err := demoPasswordHashes()
	if err != nil {
		return nil, fmt.Errorf("seed demo: %w", err)
	}
	err = s.Load(ctx, func(l *models.Loader) error {
		if seeded, err := l.Exists(&models.User{}, "email = ?", demoLogins[0].Email); err != nil || seeded {
			return err // another seed got there first
		}
		seeder := &demoSeeder{ctx: ctx, l: l, s: l.Store, hashes: hashes}
		return seeder.run()
	})
	if err != nil {
		return nil, fmt.Errorf("seed demo: %w", err)
	}
	return slices.Clone(demoLogins), nil
}

// demoSeeded reports whether the demo's admin login exists.
func demoSeeded(ctx context.Context, s *models.Store) (bool, error) {
	seeded := false
	err := s.Load(ctx, func(l *models.Loader) error {
		var err error
		seeded, err = l.Exists(&models.User{}, "email = ?", demoLogins[0].Email)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("look for the demo: %w", err)
	}
	return seeded, nil
}

// demoPasswordHashes hashes the demo logins' passwords, in their order, and
// last a random secret that the other students share: they cannot log in
// until an admin sets their password.
func demoPasswordHashes() ([]string, error) {
	passwords := make([]string, 0, len(demoLogins)+1)
	for _, l := range demoLogins {
		passwords = append(passwords, l.Password)
	}
	passwords = append(passwords, cryptorand.Text())
	hashes := make([]string, len(passwords))
	errs := make([]error, len(passwords))
	var wg sync.WaitGroup
	for i, pw := range passwords {
		wg.Go(func() { hashes[i], errs[i] = models.HashPassword(pw) })
	}
	wg.Wait()
	return hashes, errors.Join(errs...)
}

// demoSeeder carries what the seed has created so far.
type demoSeeder struct {
	ctx    context.Context
	l      *models.Loader
	s      *models.Store
	hashes []string // demoPasswordHashes

	admin, prof, owner models.Actor
	cityID             uint64
	studentLogin       *models.User
	program            *models.Program
	teams              []*models.Team
	leaders            []models.Actor
	members            [][]*models.User
	campaigns          [][]*models.Campaign
	returned           *models.MetricEntry
}

func (d *demoSeeder) run() error {
	if err := d.users(); err != nil {
		return err
	}
	if err := d.programAndStaff(); err != nil {
		return err
	}
	students, err := d.students()
	if err != nil {
		return err
	}
	for i, team := range demoTeams {
		if err := d.team(i, team, students[i]); err != nil {
			return fmt.Errorf("team %s: %w", team.merchant, err)
		}
	}
	if err := d.honestClaims(); err != nil {
		return err
	}
	if err := d.feedback(); err != nil {
		return err
	}
	if err := d.grades(); err != nil {
		return err
	}
	if err := d.consents(); err != nil {
		return err
	}
	return d.demoProgress()
}

// demoLastYear are monthly sales of a year before, for the teams that kept
// them (by team index). 이도공감's are chosen so that its growth reads, by
// SPEC §10.2's methods: 127% before/after; A₁ = October 2025 = 24,650,000:
// +84.2% on the same period last year; B₁ = 1/31 of August 2025 (500,000) +
// September 2025 (17,500,000) = 18,000,000: (45.4/24.65)/(20/18) − 1 =
// +65.8% seasonally adjusted.
var demoLastYear = map[int][]demoRecord{
	0: {{"2025-08-01", "2025-08-31", 15_500_000}, {"2025-09-01", "2025-09-30", 17_500_000}, {"2025-10-01", "2025-10-31", 24_650_000}},
	1: {{"2025-09-01", "2025-09-30", 15_100_000}, {"2025-10-01", "2025-10-31", 16_900_000}, {"2025-11-01", "2025-11-30", 18_200_000}},
	3: {{"2025-09-01", "2025-09-30", 5_900_000}, {"2025-10-01", "2025-10-31", 6_400_000}, {"2025-11-01", "2025-11-30", 6_700_000}},
}

// demoComparisons are two merchants outside the program whose sales are
// recorded the same way. Over 이도공감's windows they hold, pooled, 20,000,000
// before (1/31 of August and all of September each) and 25,800,000 after:
// +29%, so 이도공감's difference in differences is 127 − 29 = +98%p.
var demoComparisons = []struct {
	merchant, category, region string
	records                    []demoRecord
}{
	{"해운대캠핑마트", "텐트/캠핑", "부산 해운대구", []demoRecord{
		{"2026-06-01", "2026-06-30", 2_800_000}, {"2026-07-01", "2026-07-31", 3_000_000}, {"2026-08-01", "2026-08-31", 3_100_000},
		{"2026-09-01", "2026-09-30", 9_900_000}, {"2026-10-01", "2026-10-31", 12_900_000}, {"2026-11-01", "2026-11-20", 7_100_000}}},
	{"사상아웃도어", "아웃도어", "부산 사상구", []demoRecord{
		{"2026-06-01", "2026-06-30", 5_600_000}, {"2026-07-01", "2026-07-31", 6_000_000}, {"2026-08-01", "2026-08-31", 6_200_000},
		{"2026-09-01", "2026-09-30", 9_800_000}, {"2026-10-01", "2026-10-31", 12_900_000}, {"2026-11-01", "2026-11-20", 8_300_000}}},
}

// demoRecord is one sales record of the demo.
type demoRecord struct {
	from, to string
	salesKRW int64
}

// demoTargets are goals of several teams, some met and some behind (by
// team index): 이도공감's growth (127 of 100: met) and search-ad ROAS (185 of
// 200: on track), 아뮤즈마켓's shopping-ad ROAS (629 of 500: met), and
// growth goals that others have not reached.
var demoTargets = []struct {
	team      int
	kpi       string
	kind      string
	baseline  *float64
	target    float64
	direction string
	note      string
}{
	{0, "sales_growth_pct", "", nil, 100, "", "라이브커머스로 매출 두 배"},
	{0, "roas_pct", "search_ad", nil, 200, "", "파워링크 광고수익률 200%"},
	{1, "roas_pct", "shopping_ad", nil, 500, "", "쇼핑검색광고 광고수익률 500%"},
	{1, "cpa_krw", "shopping_ad", nil, 9_000, "decrease", "전환당 비용 9천 원 이하"},
	{2, "sales_growth_pct", "", nil, 60, "", "스마트스토어 매출 60% 성장"},
	{3, "sales_growth_pct", "", nil, 200, "", "매출 세 배"},
}

// honestClaims records what SPEC §10 asks of the founding program: last
// year's sales, the comparison merchants and the teams' targets.
func (d *demoSeeder) honestClaims() error {
	for i := range demoTeams {
		for _, r := range demoLastYear[i] {
			if err := d.approvedSales(d.leaders[i], d.teams[i].ID, r); err != nil {
				return fmt.Errorf("last year's sales of %s: %w", demoTeams[i].merchant, err)
			}
		}
	}
	for _, c := range demoComparisons {
		m, err := d.s.CreateMerchant(d.ctx, d.admin, models.MerchantInput{Name: ptr(c.merchant), Category: ptr(c.category),
			Region: ptr(c.region), HasOfflineStore: ptr(true)})
		if err != nil {
			return fmt.Errorf("comparison merchant %s: %w", c.merchant, err)
		}
		t, err := d.s.CreateTeam(d.ctx, d.prof, d.program.ID, models.TeamInput{Name: ptr(c.merchant + " (비교군)"),
			MerchantID: &m.ID, Comparison: ptr(true)})
		if err != nil {
			return fmt.Errorf("comparison team %s: %w", c.merchant, err)
		}
		for _, r := range c.records {
			if err := d.approvedSales(d.prof, t.ID, r); err != nil {
				return fmt.Errorf("sales of %s: %w", c.merchant, err)
			}
		}
	}
	for _, g := range demoTargets {
		in := models.TargetInput{KPI: ptr(g.kpi), Baseline: &g.baseline, Target: ptr(g.target), Note: ptr(g.note)}
		if g.kind != "" {
			in.Kind = ptr(ptr(g.kind))
		}
		if g.direction != "" {
			in.Direction = ptr(g.direction)
		}
		if _, err := d.s.CreateTarget(d.ctx, d.leaders[g.team], d.teams[g.team].ID, in); err != nil {
			return fmt.Errorf("target %s of %s: %w", g.kpi, demoTeams[g.team].merchant, err)
		}
	}
	return nil
}

// approvedSales records a month of sales as actor and has the professor
// approve it.
func (d *demoSeeder) approvedSales(actor models.Actor, teamID uint64, r demoRecord) error {
	from, to := civil.MustParse(r.from), civil.MustParse(r.to)
	rec, err := d.s.CreateSales(d.ctx, actor, teamID, models.SalesInput{PeriodStart: &from, PeriodEnd: &to,
		Channel: ptr(models.ChannelAll), SalesKRW: ptr(r.salesKRW)})
	if err != nil {
		return err
	}
	if _, err := d.s.TransitionSales(d.ctx, actor, rec.ID, models.ActionSubmit, "", nil); err != nil {
		return err
	}
	_, err = d.s.TransitionSales(d.ctx, d.prof, rec.ID, models.ActionApprove, "", nil)
	return err
}

// consents: 이도공감's owner agrees to be named in published results, and
// 아뮤즈마켓 agreed on paper (recorded by the professor); the other
// merchants did not answer, so a publication names them 참여 업체 n.
func (d *demoSeeder) consents() error {
	if _, err := d.s.SetConsent(d.ctx, d.owner, d.teams[0].MerchantID, d.program.ID, models.ConsentInput{Granted: ptr(true)}); err != nil {
		return fmt.Errorf("consent: %w", err)
	}
	_, err := d.s.SetConsent(d.ctx, d.prof, d.teams[1].MerchantID, d.program.ID,
		models.ConsentInput{Granted: ptr(true), Note: "2025-10-01 오리엔테이션에서 서면 동의서 수령"})
	if err != nil {
		return fmt.Errorf("consent: %w", err)
	}
	return nil
}

func (d *demoSeeder) users() error {
	created := map[models.Role]*models.User{}
	d.admin = models.Actor{Role: models.RoleAdmin, IP: "seed"} // the command line, until the admin exists
	for i, l := range demoLogins {
		u, err := d.createUser(l.Email, demoNames[l.Role], l.Role, d.hashes[i])
		if err != nil {
			return err
		}
		created[l.Role] = u
		if l.Role == models.RoleAdmin {
			d.admin.UserID = u.ID
		}
	}
	d.prof = models.Actor{UserID: created[models.RoleProfessor].ID, Role: models.RoleProfessor, IP: "seed"}
	d.owner = models.Actor{UserID: created[models.RoleMerchant].ID, Role: models.RoleMerchant, IP: "seed"}
	d.studentLogin = created[models.RoleStudent]
	d.cityID = created[models.RoleCity].ID
	return nil
}

// createUser is CreateUser with the password already hashed.
func (d *demoSeeder) createUser(email, name string, role models.Role, hash string) (*models.User, error) {
	return d.l.CreateUser(d.admin, models.UserInput{Email: &email, Name: &name, Role: &role}, hash)
}

func (d *demoSeeder) programAndStaff() error {
	p, err := d.s.CreateProgram(d.ctx, d.admin, demoProgram)
	if err != nil {
		return fmt.Errorf("program: %w", err)
	}
	d.program = p
	for _, id := range []uint64{d.prof.UserID, d.cityID} {
		if _, err := d.s.AddStaff(d.ctx, d.admin, p.ID, models.StaffInput{UserID: id}); err != nil {
			return fmt.Errorf("staff: %w", err)
		}
	}
	return nil
}

// students creates the teams' other students (student1@…, student2@…) and
// returns them by team.
func (d *demoSeeder) students() ([][]*models.User, error) {
	out := make([][]*models.User, len(demoTeams))
	n := 0
	for i, team := range demoTeams {
		for _, name := range team.students {
			n++
			u, err := d.createUser(fmt.Sprintf("student%d@demo.nalgae.kr", n), name, models.RoleStudent, d.hashes[len(demoLogins)])
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], u)
		}
	}
	return out, nil
}

func (d *demoSeeder) team(i int, spec demoTeam, students []*models.User) error {
	in := models.MerchantInput{
		Name: ptr(spec.merchant), Category: ptr(spec.category), Region: ptr(spec.region),
		SmartStoreURL: ptr("https://smartstore.naver.com/" + spec.storeSlug), HasOfflineStore: ptr(spec.offline),
	}
	if spec.ownerLogin {
		in.OwnerUserID = ptr(ptr(d.owner.UserID))
	}
	m, err := d.s.CreateMerchant(d.ctx, d.admin, in)
	if err != nil {
		return fmt.Errorf("merchant: %w", err)
	}
	t, err := d.s.CreateTeam(d.ctx, d.prof, d.program.ID, models.TeamInput{Name: ptr(spec.merchant + " 팀"), MerchantID: &m.ID})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	members := students
	if spec.studentLogin {
		members = append([]*models.User{d.studentLogin}, students...)
	}
	for j, u := range members {
		role := models.MemberMember
		if j == 0 {
			role = models.MemberLeader
		}
		if _, err := d.s.AddMember(d.ctx, d.prof, t.ID, u.ID, role); err != nil {
			return fmt.Errorf("member %s: %w", u.Email, err)
		}
	}
	leader := models.Actor{UserID: members[0].ID, Role: models.RoleStudent, IP: "seed"}
	d.teams = append(d.teams, t)
	d.leaders = append(d.leaders, leader)
	d.members = append(d.members, members)
	d.campaigns = append(d.campaigns, nil)

	for j, cs := range spec.campaigns {
		c, err := d.s.CreateCampaign(d.ctx, leader, t.ID, cs.input())
		if err != nil {
			return fmt.Errorf("campaign %s: %w", cs.name, err)
		}
		d.campaigns[i] = append(d.campaigns[i], c)
		entries, err := cs.entries(rand.New(rand.NewPCG(2026, uint64(i*16+j))))
		if err != nil {
			return fmt.Errorf("campaign %s: %w", cs.name, err)
		}
		approved := entries[:len(entries)-cs.inReview]
		if err := d.loadApproved(c, t, approved); err != nil {
			return fmt.Errorf("campaign %s: %w", cs.name, err)
		}
		if err := d.review(c, leader, entries[len(approved):]); err != nil {
			return fmt.Errorf("campaign %s: %w", cs.name, err)
		}
	}
	return d.sales(t, spec, leader)
}

func (c demoCampaign) input() models.CampaignInput {
	in := models.CampaignInput{Kind: ptr(c.kind), Name: ptr(c.name), StartsOn: ptr(civil.MustParse(c.from)),
		EndsOn: ptr(civil.MustParse(c.to)), BudgetKRW: ptr(c.budget)}
	if c.targetRoas > 0 {
		in.TargetRoasPct = ptr(ptr(c.targetRoas))
	}
	return in
}

// loadApproved writes a campaign's approved entries in one insert, as if the
// team had imported them and the professor had approved them.
func (d *demoSeeder) loadApproved(c *models.Campaign, t *models.Team, entries []models.MetricEntry) error {
	return d.l.ImportApproved(d.admin, c, t.ProgramID, d.prof.UserID, demoSource, entries)
}

// review logs the last days of a campaign the way a student does and leaves
// them for the professor: the first day's revenue was typed with an extra
// zero, so the professor returned it; the others are submitted.
func (d *demoSeeder) review(c *models.Campaign, leader models.Actor, entries []models.MetricEntry) error {
	for k, e := range entries {
		if k == 0 {
			e.RevenueKRW *= 10
		}
		in := models.MetricInput{Date: &e.Date, SpendKRW: &e.SpendKRW, Impressions: &e.Impressions, Clicks: &e.Clicks,
			Conversions: &e.Conversions, RevenueKRW: &e.RevenueKRW, Viewers: e.Viewers, PeakViewers: e.PeakViewers,
			Likes: e.Likes, Comments: e.Comments, DurationMin: e.DurationMin}
		m, _, err := d.s.UpsertMetric(d.ctx, leader, c.ID, in)
		if err != nil {
			return fmt.Errorf("log %s: %w", e.Date, err)
		}
		if d.s.HasEvidenceBucket() && k >= len(entries)-demoEvidenceDays {
			if err := d.attachDemoEvidence(leader, m); err != nil {
				return err
			}
		}
		if m, err = d.s.TransitionMetric(d.ctx, leader, m.ID, models.ActionSubmit, "", nil); err != nil {
			return fmt.Errorf("submit %s: %w", e.Date, err)
		}
		if k == 0 {
			note := "전환매출액이 다른 날의 10배 가까이 됩니다. 광고 보고서의 '전환매출액(원)'을 다시 확인해 주세요."
			if d.returned, err = d.s.TransitionMetric(d.ctx, d.prof, m.ID, models.ActionReturn, note, nil); err != nil {
				return fmt.Errorf("return %s: %w", e.Date, err)
			}
		}
	}
	return nil
}

// sales records the merchant's monthly sales: entered and submitted by the
// team leader, confirmed by the owner where the owner has a login, approved
// by the professor.
func (d *demoSeeder) sales(t *models.Team, spec demoTeam, leader models.Actor) error {
	amounts := spec.sales.amounts
	if amounts == nil {
		amounts = spec.sales.generated(spec.campaigns, rand.New(rand.NewPCG(2026, uint64(1000+len(d.teams)))))
	}
	for k, period := range demoSalesPeriods {
		from, to := civil.MustParse(period[0]), civil.MustParse(period[1])
		orders := (amounts[k] + spec.sales.aov/2) / spec.sales.aov
		r, err := d.s.CreateSales(d.ctx, leader, t.ID, models.SalesInput{PeriodStart: &from, PeriodEnd: &to,
			Channel: ptr(spec.sales.channel), SalesKRW: ptr(amounts[k]), Orders: &orders})
		if err != nil {
			return fmt.Errorf("sales %s: %w", from, err)
		}
		if _, err := d.s.TransitionSales(d.ctx, leader, r.ID, models.ActionSubmit, "", nil); err != nil {
			return fmt.Errorf("submit sales %s: %w", from, err)
		}
		if spec.ownerLogin {
			if _, err := d.s.TransitionSales(d.ctx, d.owner, r.ID, models.ActionConfirm, "", nil); err != nil {
				return fmt.Errorf("confirm sales %s: %w", from, err)
			}
		}
		if spec.sales.pendingLast && k == len(demoSalesPeriods)-1 {
			continue
		}
		if _, err := d.s.TransitionSales(d.ctx, d.prof, r.ID, models.ActionApprove, "", nil); err != nil {
			return fmt.Errorf("approve sales %s: %w", from, err)
		}
	}
	return nil
}

// feedback adds the conversation and grades a professor's first look at the
// demo finds: comments on 이도공감's work, a student's answer to the returned
// entry, and evaluations (one visible to its team, one still a draft).
func (d *demoSeeder) feedback() error {
	idogonggam, live := d.teams[0].ID, d.campaigns[0][0].ID
	comments := []struct {
		actor  models.Actor
		teamID uint64
		in     models.CommentInput
	}{
		{d.prof, idogonggam, models.CommentInput{CampaignID: &live,
			Body: "3회차 방송부터 시청자 대비 구매 전환이 확실히 좋아졌네요. 다음 방송에서는 텐트 설치 시연 시간을 늘려 보세요."}},
		{d.leaders[0], idogonggam, models.CommentInput{CampaignID: &live,
			Body: "감사합니다! 다음 방송은 우중 캠핑 설치 시연으로 준비하겠습니다."}},
		{d.owner, idogonggam, models.CommentInput{
			Body: "10월 매출 자료 확인했습니다. 라이브 방송 이후 쇼룸 방문 문의도 늘었어요."}},
	}
	if d.returned != nil {
		teamID := d.teamOfCampaign(d.returned.CampaignID)
		comments = append(comments, struct {
			actor  models.Actor
			teamID uint64
			in     models.CommentInput
		}{d.leaders[d.teamIndex(teamID)], teamID, models.CommentInput{MetricID: &d.returned.ID,
			Body: "죄송합니다, 보고서를 옮기면서 0을 하나 더 입력했네요. 확인 후 다시 제출하겠습니다."}})
	}
	for _, c := range comments {
		if _, err := d.s.CreateComment(d.ctx, c.actor, c.teamID, c.in); err != nil {
			return fmt.Errorf("comment: %w", err)
		}
	}
	evaluations := []struct {
		team int
		in   models.EvaluationInput
	}{
		{0, models.EvaluationInput{Scores: map[string]int{"planning": 18, "execution": 27, "results": 29, "collaboration": 18},
			Feedback:      ptr("라이브커머스 기획과 실행이 돋보였습니다. 방송 전후 매출 비교 근거를 꼼꼼히 남긴 점도 좋습니다."),
			VisibleToTeam: ptr(true)}},
		{1, models.EvaluationInput{Scores: map[string]int{"planning": 17, "execution": 28, "results": 30, "collaboration": 16},
			Feedback:      ptr("쇼핑검색광고 효율이 매우 높습니다. 최종 발표 후 공개 예정."),
			VisibleToTeam: ptr(false)}},
	}
	for _, e := range evaluations {
		if _, err := d.s.CreateEvaluation(d.ctx, d.prof, d.teams[e.team].ID, e.in); err != nil {
			return fmt.Errorf("evaluation: %w", err)
		}
	}
	return nil
}

func (d *demoSeeder) teamOfCampaign(campaignID uint64) uint64 {
	for i, cs := range d.campaigns {
		for _, c := range cs {
			if c.ID == campaignID {
				return d.teams[i].ID
			}
		}
	}
	return 0
}

func (d *demoSeeder) teamIndex(teamID uint64) int {
	for i, t := range d.teams {
		if t.ID == teamID {
			return i
		}
	}
	return 0
}

// demoWeekdayPct is how online shopping spreads over the week: strongest on
// Sunday and Monday evenings, weakest on Friday and Saturday.
var demoWeekdayPct = map[time.Weekday]int64{
	time.Sunday: 112, time.Monday: 108, time.Tuesday: 102, time.Wednesday: 100,
	time.Thursday: 98, time.Friday: 92, time.Saturday: 88,
}

func weekday(d civil.Date) time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// entries makes up one entry per campaign day. Only integers are used, so
// that the numbers are the same on every platform, and rng is a fixed-seed
// PCG, so that they are the same on every run.
func (c demoCampaign) entries(rng *rand.Rand) ([]models.MetricEntry, error) {
	from, to := civil.MustParse(c.from), civil.MustParse(c.to)
	n := to.DaysSince(from) + 1
	noise := func(lo, hi int64) int64 { return lo + rng.Int64N(hi-lo+1) }
	// roundRandom rounds num/den up with the probability of its fraction, so
	// that 0.4 conversions a day still add up to a few over a month.
	roundRandom := func(num, den int64) int64 {
		q := num / den
		if rng.Int64N(den) < num%den {
			q++
		}
		return q
	}
	out := make([]models.MetricEntry, n)
	revenueWeights := make([]int64, n)
	for i := range out {
		day := from.AddDays(i)
		trend := c.trendFrom
		if n > 1 {
			trend += (c.trendTo - c.trendFrom) * int64(i) / int64(n-1)
		}
		e := models.MetricEntry{Date: day}
		switch {
		case c.live != nil:
			c.liveDay(&e, trend, slices.Contains(c.live.weekdays, weekday(day)), noise, roundRandom)
		case c.spendPerDay > 0:
			w := trend * demoWeekdayPct[weekday(day)] * noise(85, 115) // scale 10^6
			e.SpendKRW = c.spendPerDay * w / 1_000_000
			e.Clicks = roundRandom(e.SpendKRW*noise(90, 110), c.cpc*100)
			e.Impressions = e.Clicks * 10_000 * noise(85, 115) / (c.ctrBP * 100)
			e.Conversions = roundRandom(e.Clicks*c.cvrBP, 10_000)
			revenueWeights[i] = e.Conversions * noise(70, 130)
		default:
			w := trend * demoWeekdayPct[weekday(day)] * noise(85, 115)
			e.Impressions = c.impressionsPerDay * w / 1_000_000
			e.Clicks = roundRandom(e.Impressions*c.ctrBP*noise(85, 115), 10_000*100)
			e.Conversions = roundRandom(e.Clicks*c.cvrBP, 10_000)
			e.RevenueKRW = e.Conversions * c.aov * noise(80, 120) / 100
		}
		out[i] = e
	}
	if c.spendPerDay > 0 {
		if err := c.exactRoas(out, revenueWeights); err != nil {
			return nil, err
		}
	}
	for _, e := range out {
		if e.Conversions > e.Clicks || e.Clicks > e.Impressions {
			return nil, fmt.Errorf("made-up entry of %s is inconsistent: %d impressions, %d clicks, %d conversions", e.Date, e.Impressions, e.Clicks, e.Conversions)
		}
	}
	return out, nil
}

// liveDay fills a live commerce day: a broadcast, or replays of earlier ones.
// Live commerce costs the merchant a commission on sales, not ad spend, so
// its spend is 0 and its ROAS is null.
func (c demoCampaign) liveDay(e *models.MetricEntry, trend int64, broadcast bool, noise func(lo, hi int64) int64, roundRandom func(num, den int64) int64) {
	var viewers, likes, comments, clickPct int64
	if broadcast {
		viewers = c.live.viewers * trend * noise(80, 120) / 10_000
		e.PeakViewers = ptr(viewers * noise(18, 28) / 100)
		likes = viewers * noise(150, 350) / 100
		comments = viewers * noise(4, 9) / 100
		e.DurationMin = ptr(c.live.durationMin + 10*noise(0, (c.live.durationMax-c.live.durationMin)/10))
		clickPct = 100
	} else {
		viewers = c.live.replayViewers * noise(70, 130) / 100
		likes = viewers * noise(10, 30) / 100
		comments = viewers * noise(0, 2) / 100
		e.DurationMin = ptr(int64(0))
		clickPct = 50 // replay viewers click less
	}
	e.Viewers, e.Likes, e.Comments = ptr(viewers), ptr(likes), ptr(comments)
	e.Impressions = viewers * noise(300, 500) / 100
	e.Clicks = roundRandom(viewers*c.ctrBP*clickPct, 10_000*100)
	e.Conversions = roundRandom(e.Clicks*c.cvrBP, 10_000)
	e.RevenueKRW = e.Conversions * c.aov * noise(85, 115) / 100
}

// exactRoas spreads the campaign's revenue over its days with conversions so
// that revenue is exactly roasPct % of spend. The spend total is first made a
// multiple of 100 won, so that the revenue total is a whole number of won.
func (c demoCampaign) exactRoas(entries []models.MetricEntry, revenueWeights []int64) error {
	var spend int64
	top := 0
	for i, e := range entries {
		spend += e.SpendKRW
		if e.SpendKRW > entries[top].SpendKRW {
			top = i
		}
	}
	entries[top].SpendKRW -= spend % 100
	spend -= spend % 100
	if slices.Max(revenueWeights) == 0 {
		best := 0
		for i, e := range entries {
			if e.Clicks > entries[best].Clicks {
				best = i
			}
		}
		if entries[best].Clicks == 0 {
			return fmt.Errorf("no clicks to attribute revenue to")
		}
		entries[best].Conversions, revenueWeights[best] = 1, 100
	}
	revenue := splitByWeight(spend*c.roasPct/100, revenueWeights)
	for i := range entries {
		entries[i].RevenueKRW = revenue[i]
	}
	return nil
}

// splitByWeight divides total into parts proportional to weights, the parts
// summing to total exactly (largest remainder first, earlier on ties).
func splitByWeight(total int64, weights []int64) []int64 {
	out := make([]int64, len(weights))
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if sum == 0 {
		return out
	}
	type remainder struct {
		i int
		r int64
	}
	rems := make([]remainder, len(weights))
	var given int64
	for i, w := range weights {
		out[i] = total * w / sum
		rems[i] = remainder{i, total * w % sum}
		given += out[i]
	}
	slices.SortStableFunc(rems, func(a, b remainder) int { return cmp.Compare(b.r, a.r) })
	for k := int64(0); k < total-given; k++ {
		out[rems[k].i]++
	}
	return out
}

// generated makes up monthly sales from a daily rate: perDay before the
// team's first campaign, growthPct higher from its start to the end of its
// last campaign, a little less after that, each month varied by up to 3%.
func (sp demoSales) generated(campaigns []demoCampaign, rng *rand.Rand) []int64 {
	start, end := civil.MustParse(campaigns[0].from), civil.MustParse(campaigns[0].to)
	for _, c := range campaigns[1:] {
		start = civil.Min(start, civil.MustParse(c.from))
		end = civil.Max(end, civil.MustParse(c.to))
	}
	out := make([]int64, len(demoSalesPeriods))
	for k, period := range demoSalesPeriods {
		from, to := civil.MustParse(period[0]), civil.MustParse(period[1])
		monthPermille := 970 + rng.Int64N(61)
		for day := from; !day.After(to); day = day.AddDays(1) {
			uplift := int64(100)
			switch {
			case day.After(end):
				uplift += sp.growthPct * 85 / 100
			case !day.Before(start):
				uplift += sp.growthPct
			}
			out[k] += sp.perDay * monthPermille * uplift / 100_000
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

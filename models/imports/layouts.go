package imports

import (
	"fmt"
	"strings"
)

// Layout is the kind of file recognised by its header.
type Layout string

const (
	// LayoutSearchAd is a Naver SearchAd report (power-link or shopping
	// search ads) broken down by day.
	LayoutSearchAd Layout = "naver_searchad"
	// LayoutLiveTemplate is Nalgae's live-commerce CSV template.
	LayoutLiveTemplate Layout = "live_commerce_template"
	// LayoutSmartStore is the Smart Store sales-analysis export.
	LayoutSmartStore Layout = "smartstore_sales"
	// LayoutSalesTemplate is Nalgae's generic sales CSV template.
	LayoutSalesTemplate Layout = "sales_template"
)

// Fields: what a column gives, named like the stored fields of
// models.MetricEntry and models.SalesRecord, so that a model's validation
// error names the column it came from.
const (
	fDate        = "date"
	fImpressions = "impressions"
	fClicks      = "clicks"
	fSpend       = "spend_krw"
	fConversions = "conversions"
	fRevenue     = "revenue_krw"
	fViewers     = "viewers"
	fPeak        = "peak_viewers"
	fLikes       = "likes"
	fComments    = "comments"
	fDuration    = "duration_min"
	// Naver's 2026 report adds purchase-only figures beside the totals.
	fPurchaseConversions = "purchase_conversions"
	fPurchaseRevenue     = "purchase_revenue_krw"
	// Ratio columns: checked, never stored.
	fCTR  = "ctr_pct"
	fCPC  = "cpc_krw"
	fCVR  = "cvr_pct"
	fROAS = "roas_pct"
	// Sales.
	fPeriodStart = "period_start"
	fPeriodEnd   = "period_end"
	fChannel     = "channel"
	fSales       = "sales_krw"
	fOrders      = "orders"
	fGrossSales  = "gross_sales_krw"
	fRefunds     = "refunds_krw"
)

// aliases map normalised header names (see normHeader) to fields, per
// layout. Columns not listed are ignored.
var aliases = map[Layout]map[string]string{
	LayoutSearchAd: {
		"일별": fDate, "날짜": fDate, "일자": fDate, "date": fDate,
		"노출수": fImpressions,
		"클릭수": fClicks,
		"총비용": fSpend, // 총비용(VAT포함,원) and the 2026 총비용 alike
		"전환수": fConversions, "총전환수": fConversions,
		"전환매출액": fRevenue, "총전환매출액": fRevenue,
		"구매완료전환수":   fPurchaseConversions,
		"구매완료전환매출액": fPurchaseRevenue,
		"클릭률":       fCTR,
		"평균클릭비용":    fCPC, "평균cpc": fCPC,
		"전환율": fCVR, "총전환율": fCVR,
		"광고수익률": fROAS, "총광고수익률": fROAS,
	},
	LayoutLiveTemplate: {
		"date": fDate, "날짜": fDate, "일별": fDate, "방송일": fDate,
		"viewers": fViewers, "시청자수": fViewers, "시청자": fViewers,
		"peak_viewers": fPeak, "최고동시시청자수": fPeak, "최대동시시청자수": fPeak, "동시시청자수": fPeak,
		"likes": fLikes, "좋아요": fLikes, "좋아요수": fLikes,
		"comments": fComments, "댓글": fComments, "댓글수": fComments, "채팅수": fComments,
		"duration_min": fDuration, "방송시간": fDuration,
		"impressions": fImpressions, "노출수": fImpressions,
		"clicks": fClicks, "클릭수": fClicks, "상품클릭수": fClicks,
		"conversions": fConversions, "전환수": fConversions, "구매건수": fConversions, "주문수": fConversions,
		"spend_krw": fSpend, "광고비": fSpend, "비용": fSpend, "총비용": fSpend,
		"revenue_krw": fRevenue, "매출액": fRevenue, "구매금액": fRevenue, "전환매출액": fRevenue,
	},
	LayoutSmartStore: {
		"날짜": fDate, "일자": fDate, "일별": fDate, "date": fDate,
		"상품결제건수": fOrders, "결제건수": fOrders,
		"판매금액(순)": fSales, "순판매금액": fSales,
		"판매금액(총)": fGrossSales, "총판매금액": fGrossSales,
		"환불금액": fRefunds,
	},
	LayoutSalesTemplate: {
		"period_start": fPeriodStart, "시작일": fPeriodStart,
		"period_end": fPeriodEnd, "종료일": fPeriodEnd,
		"channel": fChannel, "채널": fChannel,
		"sales_krw": fSales, "매출액": fSales, "매출": fSales,
		"orders": fOrders, "주문수": fOrders,
	},
}

// layoutOrder is the order headers are tried in: the most specific first,
// since the templates share names (date, 노출수…) with the others.
var layoutOrder = []Layout{LayoutSalesTemplate, LayoutLiveTemplate, LayoutSmartStore, LayoutSearchAd}

// header is a recognised header row: where each field's column is.
type header struct {
	layout   Layout
	line     int
	cols     map[string]int    // field → column index
	names    map[string]string // field → the header as the file writes it
	warnings []Issue
}

func (h *header) has(field string) bool { _, ok := h.cols[field]; return ok }

// qualifies says whether the fields found make a header of layout.
func qualifies(layout Layout, found map[string]int) bool {
	has := func(fields ...string) int {
		n := 0
		for _, f := range fields {
			if _, ok := found[f]; ok {
				n++
			}
		}
		return n
	}
	switch layout {
	case LayoutSalesTemplate:
		return has(fPeriodStart, fPeriodEnd, fSales) == 3
	case LayoutLiveTemplate:
		return has(fDate) == 1 && has(fViewers, fPeak, fLikes, fComments, fDuration) > 0
	case LayoutSmartStore:
		return has(fDate) == 1 && has(fSales) == 1
	case LayoutSearchAd:
		return has(fDate) == 1 && has(fImpressions, fClicks, fSpend, fConversions, fRevenue, fPurchaseConversions, fPurchaseRevenue) >= 2
	}
	return false
}

// matchHeader reads cells as a header of layout: the fields found, the
// first column of each (later duplicates are reported as warnings).
func matchHeader(layout Layout, r row) *header {
	h := &header{layout: layout, line: r.line, cols: map[string]int{}, names: map[string]string{}}
	for i, cell := range r.cells {
		field, ok := aliases[layout][normHeader(cell)]
		if !ok {
			continue
		}
		if _, dup := h.cols[field]; dup {
			h.warnings = append(h.warnings, Issue{Line: r.line, Column: strings.TrimSpace(cell),
				Message: fmt.Sprintf("gives the same figure as the column %q before it, which is the one read; this one is ignored", h.names[field])})
			continue
		}
		h.cols[field], h.names[field] = i, strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff"))
	}
	if !qualifies(layout, h.cols) {
		return nil
	}
	return h
}

// findHeader finds the header among the first rows: the first row that
// qualifies for a layout. Rows before it (a report's title line) are skipped.
func findHeader(rows []row) *header {
	for _, r := range rows {
		for _, layout := range layoutOrder {
			if h := matchHeader(layout, r); h != nil {
				return h
			}
		}
	}
	return nil
}

// explainMissingHeader says, for a file without a header we know, what is
// missing when a row comes close to one, else what headers are expected.
func explainMissingHeader(rows []row) string {
	for _, r := range rows {
		found := map[Layout]map[string]int{}
		for _, layout := range layoutOrder {
			found[layout] = map[string]int{}
			for i, cell := range r.cells {
				if f, ok := aliases[layout][normHeader(cell)]; ok {
					found[layout][f] = i
				}
			}
		}
		ad := found[LayoutSearchAd]
		if _, hasDate := ad[fDate]; !hasDate && len(ad) >= 3 {
			return fmt.Sprintf("Line %d looks like a Naver SearchAd report header but has no day column (일별). Download the report broken down by day (일별) and upload that.", r.line)
		}
		ss := found[LayoutSmartStore]
		if _, hasNet := ss[fSales]; !hasNet && len(ss) >= 2 {
			if _, hasDate := ss[fDate]; hasDate {
				return fmt.Sprintf("Line %d looks like a Smart Store sales sheet but has no 판매금액(순) column (net sales), which is what Nalgae records.", r.line)
			}
		}
	}
	return fmt.Sprintf("No header Nalgae knows in the first %d lines. Expected a Naver SearchAd report by day (일별, 노출수, 클릭수, 총비용, 전환수, 전환매출액 …), "+
		"a Smart Store sales sheet (날짜, 상품결제건수, 판매금액(순) …), or one of Nalgae's templates (sales.csv: period_start, period_end, channel, sales_krw, orders; "+
		"live_commerce.csv: date, viewers, peak_viewers, likes, comments, duration_min, …).", headRows)
}

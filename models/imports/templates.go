package imports

// The CSV templates for what no tool exports in a standard form. Each is a
// UTF-8 file with a byte-order mark (so that Excel opens it in any locale)
// and a header only: a student fills in one row per period or broadcast day.
// Korean Excel saves it back as CP949, which the import reads as well.
//
// sales.csv, into a team's sales records (POST /teams/{id}/sales/imports):
//
//	period_start  first day of the period, YYYY-MM-DD (2025.10.01. and 20251001 also work)
//	period_end    last day of the period, included
//	channel       online, offline or all (온라인, 오프라인, 전체; empty: all)
//	sales_krw     the merchant's sales over the period, in won
//	orders        the number of orders (optional)
//
// Re-importing a period and channel updates that record; records of one team
// may not share days on overlapping channels ("all" overlaps both).
//
// live_commerce.csv, into a live_commerce campaign's daily entries (POST
// /campaigns/{id}/imports); several broadcasts of one day are summed
// (peak_viewers: the day's highest):
//
//	date          the broadcast day
//	viewers       viewers of the broadcast (시청자수)
//	peak_viewers  the most watching at once (최고 동시 시청자수)
//	likes, comments
//	duration_min  length of the broadcast in minutes
//	impressions, clicks    of the broadcast's ads or product links
//	conversions   orders placed from the broadcast
//	spend_krw     ad spend, in won
//	revenue_krw   sales from the broadcast, in won

// Template is a downloadable template file.
type Template struct {
	Name    string // file name, e.g. sales.csv
	Layout  Layout
	Content []byte
}

const bom = "\ufeff"

// Templates are the templates the API serves, by file name.
var Templates = map[string]Template{
	"sales.csv": {Name: "sales.csv", Layout: LayoutSalesTemplate,
		Content: []byte(bom + "period_start,period_end,channel,sales_krw,orders\r\n")},
	"live_commerce.csv": {Name: "live_commerce.csv", Layout: LayoutLiveTemplate,
		Content: []byte(bom + "date,viewers,peak_viewers,likes,comments,duration_min,impressions,clicks,conversions,spend_krw,revenue_krw\r\n")},
}

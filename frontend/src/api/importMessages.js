// The import's messages — a file refused, a row's bad cell, a warning — are
// English sentences from the server (models/imports, models/import.go); the
// app shows its own words for each in the UI's language (SPEC §7: no
// English sentence in the Korean UI). A message it does not know falls back
// to the field messages, then to the server's sentence.
import { fieldMessage } from './messages.js'

// a channel or kind in words ("online" → "온라인"); one the app does not know as sent
function word(t, group, v) {
  const s = t(group + '.' + v)
  return s === group + '.' + v ? v : s
}
const channel = (t, c) => word(t, 'channels', c)
const kind = (t, k) => word(t, 'kinds', k)

// What a refused write was about: "The entry of 2026-10-01" or "The sales
// record of 2026-10-01 to 2026-10-31 (online)".
function what(t, s) {
  let m = /^The entry of (\S+)$/.exec(s)
  if (m) return t('imports.msg.theEntry', { date: m[1] })
  m = /^The sales record of (\S+) to (\S+) \((\w+)\)$/.exec(s)
  if (m) return t('imports.msg.theSales', { from: m[1], to: m[2], channel: channel(t, m[3]) })
  return s
}

const patterns = [
  // a row's cells
  [/^is empty; every row needs its day$/, 'emptyDay'],
  [/^is empty; give the sales of the period in won$/, 'emptySales'],
  [/^"(.*)" is not a number; the ratio is not stored anyway, Nalgae recomputes it$/, 'ratioNotNumber', (m) => ({ value: m[1] })],
  [/^"(.*)" is not a number$/, 'notNumber', (m) => ({ value: m[1] })],
  [/^"(.*)" must be a whole number$/, 'notWhole', (m) => ({ value: m[1] })],
  [/^"(.*)" is too large$/, 'tooLarge', (m) => ({ value: m[1] })],
  [/^"(.*)" is not a date \(write .*\)$/, 'notDate', (m) => ({ value: m[1] })],
  [/^"(.*)" must be online, offline or all/, 'channel', (m) => ({ value: m[1] })],
  [/^says (.+), but there is no (.+) to divide by; Nalgae shows no ratio for this day$/, 'ratioNoDenominator', (m) => ({ value: m[1], column: m[2] })],
  [/^says (.+), but (.+) and (.+) give (.+) \(more than 1% apart\); Nalgae keeps the numbers and recomputes the ratio$/, 'ratioDiffers', (m) => ({ value: m[1], num: m[2], den: m[3], want: m[4] })],
  [/^the totals row says (.+), but the days add up to (-?\d+); the days are imported$/, 'totalsDiffer', (m) => ({ value: m[1], sum: Number(m[2]).toLocaleString('ko-KR') })],
  [/^line (\d+) already gives the sales of (\S+) to (\S+) \(([^)]+)\)$/, 'duplicateSales', (m, t) => ({ line: m[1], from: m[2], to: m[3], channel: channel(t, m[4]) })],
  [/^(.+) is approved: only a professor of the program or an admin can change it$/, 'approvedLocked', (m, t) => ({ what: what(t, m[1]) })],
  [/^(\S+) is outside the campaign's dates \((\S+) to (\S+)\); imported all the same$/, 'outsideDates', (m, t) => ({ date: m[1], from: m[2], to: m[3] === 'open' ? t('imports.msg.open') : m[3] })],
  [/^The entry of (\S+) is approved: SearchAd's figures differ, and the approved ones are kept$/, 'approvedKept', (m) => ({ date: m[1] })],
  [/^gives the same figure as the column "(.*)" before it, which is the one read; this one is ignored$/, 'duplicateColumn', (m) => ({ column: m[1] })],
  [/^the file has no total column for this figure, so the purchase-only one is imported as the entry's (\w+)$/, 'purchaseOnly', (m, t) => ({ field: t('metrics.fields.' + m[1]) })],
  // the file as a whole
  [/^The file has a header but no data rows below it\.$/, 'noRows'],
  [/^… and (\d+) more like these, not listed\.$/, 'more', (m) => ({ n: m[1] })],
  [/^The file is named "(.*)" but is an XLSX workbook; it was read as one\.$/, 'xlsxNamed', (m) => ({ name: m[1] })],
  [/^Read the sheet "(.*)", the first with a header Nalgae knows\.$/, 'sheetRead', (m) => ({ sheet: m[1] })],
  [/^The file is larger than (\d+) MiB\.$/, 'fileTooLarge', (m) => ({ n: m[1] })],
  [/^The workbook unpacks to more than (\d+) MiB/, 'fileTooLarge', (m) => ({ n: m[1] })],
  [/^The file has more than (\d+) lines/, 'tooManyLines', (m) => ({ n: Number(m[1]).toLocaleString('ko-KR') })],
  [/^Line (\d+) has more than (\d+) columns; this is not a report\.$/, 'tooManyColumns', (m) => ({ line: m[1], n: m[2] })],
  [/^Line (\d+) has a cell longer than (\d+) bytes; this is not a report\.$/, 'cellTooLong', (m) => ({ line: m[1] })],
  [/^Line (\d+) cannot be read as CSV/, 'csvLine', (m) => ({ line: m[1] })],
  [/^The file cannot be read as CSV/, 'csvFile'],
  [/^The sheet cannot be read/, 'sheetUnreadable'],
  [/^Row (\d+) of the sheet cannot be read\.$/, 'sheetRow', (m) => ({ line: m[1] })],
  [/^This is a Smart Store sales sheet: import it on the team's sales/, 'wrongSmartStore'],
  [/^This is Nalgae's sales template: import it on the team's sales/, 'wrongSalesTemplate'],
  [/^This is a Naver SearchAd report: import it into the campaign it reports/, 'wrongSearchAd'],
  [/^This is Nalgae's live-commerce template: import it into a live_commerce campaign/, 'wrongLiveTemplate'],
  [/^This is the live-commerce template; it imports into live_commerce campaigns, and this campaign is (\w+)\.$/, 'liveTemplateKind', (m, t) => ({ kind: kind(t, m[1]) })],
  [/^This is a Naver SearchAd report; it imports into search_ad and shopping_ad campaigns, and this campaign is (\w+)\.$/, 'searchAdKind', (m, t) => ({ kind: kind(t, m[1]) })],
  [/^Line (\d+) looks like a Naver SearchAd report header but has no day column/, 'noDayColumn', (m) => ({ line: m[1] })],
  [/^Line (\d+) looks like a Smart Store sales sheet but has no 판매금액\(순\) column/, 'noNetSales', (m) => ({ line: m[1] })],
  [/^No header Nalgae knows in the first (\d+) lines\./, 'noHeader', (m) => ({ n: m[1] })],
  [/^The file is empty\.$/, 'emptyFile'],
  [/^This is an Excel 97–2003 workbook \(\.xls\) or a password-protected one/, 'oldExcel'],
  [/^The file is named "(.*)" but is not an XLSX workbook/, 'notXlsx', (m) => ({ name: m[1] })],
  [/^The file "(.*)" is (.+), not a CSV, TSV or XLSX report\.$/, 'otherFile', (m) => ({ name: m[1] })],
  [/^The file is a web page \(HTML or XML\)/, 'webPage'],
  [/^The file starts with a UTF-(8|16) byte-order mark but is not UTF-\d+ text\.$/, 'badText'],
  [/^The file is neither UTF-8 nor CP949 \(EUC-KR\) text\.$/, 'badText'],
  [/^The file holds binary data/, 'binary'],
  [/^The workbook cannot be read \(it may be damaged\)\.$/, 'damaged'],
  [/^The file starts like a zip archive but is not a readable one/, 'damaged'],
  [/^The file is a zip archive but not a readable XLSX workbook\.$/, 'damaged'],
  [/^The workbook is password-protected/, 'password'],
  [/^The workbook has no sheets\.$/, 'noSheets'],
  [/^No sheet of the workbook can be read\.$/, 'noSheets'],
]

/** importMessage translates one of the import's messages. */
export function importMessage(t, message) {
  if (!message) return ''
  for (const [re, key, params] of patterns) {
    const m = re.exec(message)
    if (m) return t('imports.msg.' + key, params ? params(m, t) : {})
  }
  return fieldMessage(t, message)
}

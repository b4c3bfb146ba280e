// A table as the CSV Excel opens (UTF-8 with a BOM, so Korean shows right):
// the columns' labels, then each row's cells as the table shows them. A
// cell that starts with = + - @ (and is not a plain signed figure such as
// "-12.5%") is neutralised with a leading apostrophe against formula
// injection, as the server's exports do.

const FIGURE = /^[-+]?[₩\d][\d,.]*\s*(%p?|원|점)?$/

export function csvCell(value) {
  let s = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s) && !FIGURE.test(s)) s = "'" + s
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s
}

/** tableCsv: header is a list of labels, rows a list of lists of cells. */
export function tableCsv(header, rows) {
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

/** datedName: "팀별 성과" on 2026-12-05 → "팀별성과_20261205.csv". */
export function datedName(name, today, ext = 'csv') {
  return `${String(name).replace(/\s+/g, '')}_${today.replace(/-/g, '')}.${ext}`
}

/** saveText offers text as a file download. */
export function saveText(text, filename, type = 'text/csv;charset=utf-8') {
  const href = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 1000)
}

import { describe, expect, it } from 'vitest'
import { csvCell, datedName, tableCsv } from '../src/tableCsv.js'

describe('tableCsv', () => {
  it('starts with a BOM and ends rows with CRLF', () => {
    expect(tableCsv(['팀', '광고비'], [['이도공감', '₩1,234']])).toBe('\uFEFF팀,광고비\r\n이도공감,"₩1,234"\r\n')
  })
  it('neutralises formulas but keeps signed figures', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('+82 10')).toBe("'+82 10")
    expect(csvCell('-71.8%')).toBe('-71.8%')
    expect(csvCell('+98.0%p')).toBe('+98.0%p')
    expect(csvCell(null)).toBe('')
  })
  it('names a file after the table and the day', () => {
    expect(datedName('팀별 성과', '2026-12-05')).toBe('팀별성과_20261205.csv')
  })
})

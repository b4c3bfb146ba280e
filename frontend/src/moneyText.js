// The text of a money field while it is typed: whole won with thousands
// separators ("1,234,000"), whatever was typed or pasted ("1234000",
// "1,234,000원", "₩ 1 234 000"), with the caret kept beside the same digit
// when the separators move under it.

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0, useGrouping: true })

/** moneyDigits keeps the digits of a typed or pasted text, without the
 * leading zeros that a number would not show ("007" → "7", "000" → "0"). */
export function moneyDigits(text) {
  const digits = String(text ?? '').replace(/\D/g, '')
  if (digits === '') return ''
  const trimmed = digits.replace(/^0+/, '')
  return trimmed === '' ? '0' : trimmed
}

/** formatMoneyText groups the digits of a text: "1234000원" → "1,234,000";
 * no digits → "". Digits beyond what a number holds exactly are kept as
 * they are, grouped by hand, so that nothing typed is silently changed. */
export function formatMoneyText(text) {
  const digits = moneyDigits(text)
  if (digits === '') return ''
  if (digits.length <= 15) return grouped.format(Number(digits))
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** parseMoneyText reads a money field as whole won: "1,234,000원" →
 * 1234000; nothing typed → null. */
export function parseMoneyText(text) {
  const digits = moneyDigits(text)
  return digits === '' ? null : Number(digits)
}

/** caretAfterDigits is the caret position in formatted text that leaves n
 * digits before it. */
export function caretAfterDigits(formatted, n) {
  if (n <= 0) {
    // before the first digit
    const i = formatted.search(/\d/)
    return i < 0 ? formatted.length : i
  }
  let seen = 0
  for (let i = 0; i < formatted.length; i++) {
    if (/\d/.test(formatted[i])) {
      seen++
      if (seen === n) return i + 1
    }
  }
  return formatted.length
}

/** reformatMoney answers the field's new text and caret after an edit:
 * `before` is the text before the edit, `after` the text the browser made
 * of it, `caret` the caret in `after`, `inputType` the InputEvent's. A
 * separator deleted on its own (backspace or delete right beside a comma)
 * takes the digit beyond it with it: otherwise the comma would come back at
 * once and the key would seem to do nothing. */
export function reformatMoney(before, after, caret, inputType = 'deleteContentBackward') {
  let text = String(after ?? '')
  let at = Math.max(0, Math.min(caret ?? text.length, text.length))
  const prev = String(before ?? '')
  const onlyComma =
    text.length === prev.length - 1 && prev[at] === ',' && prev.slice(0, at) === text.slice(0, at) && prev.slice(at + 1) === text.slice(at)
  if (onlyComma) {
    if (inputType === 'deleteContentForward') {
      text = text.slice(0, at) + text.slice(at + 1)
    } else if (at > 0) {
      text = text.slice(0, at - 1) + text.slice(at)
      at -= 1
    }
  }
  // digits left of the caret, counted as they will be shown (no leading zeros)
  const left = text.slice(0, at).replace(/\D/g, '')
  const all = text.replace(/\D/g, '')
  const zeros = all.length - all.replace(/^0+/, '').length
  const keep = zeros > 0 && zeros === all.length ? 1 : 0 // "000" shows as "0"
  const dropped = Math.max(0, Math.min(left.length, zeros - keep))
  const formatted = formatMoneyText(text)
  return { text: formatted, caret: caretAfterDigits(formatted, left.length - dropped) }
}

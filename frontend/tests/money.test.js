import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { caretAfterDigits, formatMoneyText, moneyDigits, parseMoneyText, reformatMoney } from '../src/moneyText.js'
import MoneyInput from '../src/components/MoneyInput.vue'

afterEach(() => {
  document.body.innerHTML = ''
})

describe('money text', () => {
  it('groups digits by thousands whatever was typed or pasted', () => {
    expect(formatMoneyText('1234000')).toBe('1,234,000')
    expect(formatMoneyText('1,234,000원')).toBe('1,234,000')
    expect(formatMoneyText('₩ 1 234 000')).toBe('1,234,000')
    expect(formatMoneyText('007')).toBe('7')
    expect(formatMoneyText('000')).toBe('0')
    expect(formatMoneyText('')).toBe('')
    expect(formatMoneyText('원')).toBe('')
    expect(formatMoneyText(null)).toBe('')
    expect(formatMoneyText(719800)).toBe('719,800')
    expect(formatMoneyText('12345678901234567890')).toBe('12,345,678,901,234,567,890')
  })
  it('reads whole won', () => {
    expect(parseMoneyText('1,234,000원')).toBe(1234000)
    expect(parseMoneyText('0')).toBe(0)
    expect(parseMoneyText('')).toBe(null)
    expect(parseMoneyText('-')).toBe(null)
    expect(moneyDigits('12,000')).toBe('12000')
  })
  it('finds the caret after n digits', () => {
    expect(caretAfterDigits('1,234,000', 0)).toBe(0)
    expect(caretAfterDigits('1,234,000', 1)).toBe(1)
    expect(caretAfterDigits('1,234,000', 2)).toBe(3)
    expect(caretAfterDigits('1,234,000', 4)).toBe(5)
    expect(caretAfterDigits('1,234,000', 7)).toBe(9)
    expect(caretAfterDigits('', 3)).toBe(0)
  })
  it('keeps the caret beside the digit it was at', () => {
    // typing 4 at the end of "123"
    expect(reformatMoney('123', '1234', 4, 'insertText')).toEqual({ text: '1,234', caret: 5 })
    // typing 9 after the first digit of "1,234": "19,234" → "19,234"
    expect(reformatMoney('1,234', '19,234', 2, 'insertText')).toEqual({ text: '19,234', caret: 2 })
    // typing 5 in the middle of "1,234" after "1,2" → "1,2534" → "12,534", caret after "125"
    expect(reformatMoney('1,234', '1,2534', 4, 'insertText')).toEqual({ text: '12,534', caret: 4 })
    // deleting the first digit of "1,234" → ",234" → "234", caret at the start
    expect(reformatMoney('1,234', ',234', 0, 'deleteContentBackward')).toEqual({ text: '234', caret: 0 })
    // a paste at the end
    expect(reformatMoney('', '1,234,000원', 10, 'insertFromPaste')).toEqual({ text: '1,234,000', caret: 9 })
    // a leading zero typed before digits is dropped with the caret kept
    expect(reformatMoney('5', '05', 1, 'insertText')).toEqual({ text: '5', caret: 0 })
  })
  it('lets backspace and delete beside a comma remove a digit', () => {
    // caret after the comma of "1,234", backspace removes the comma: the 1 goes
    expect(reformatMoney('1,234', '1234', 1, 'deleteContentBackward')).toEqual({ text: '234', caret: 0 })
    // caret before the comma of "12,345", delete removes the comma: the 3 goes, the caret stays after 12
    expect(reformatMoney('12,345', '12345', 2, 'deleteContentForward')).toEqual({ text: '1,245', caret: 3 })
  })
})

describe('MoneyInput', () => {
  function mountInput(value = null) {
    const host = {
      components: { MoneyInput },
      data: () => ({ v: value }),
      template: '<MoneyInput v-model="v" id="spend" data-testid="spend" aria-describedby="spend-hint" />',
    }
    return mount(host, { attachTo: document.body })
  }
  it('shows a number with separators and passes its attributes to the input', () => {
    const w = mountInput(1234000)
    const input = w.find('input')
    expect(input.element.value).toBe('1,234,000')
    expect(input.attributes('id')).toBe('spend')
    expect(input.attributes('data-testid')).toBe('spend')
    expect(input.attributes('aria-describedby')).toBe('spend-hint')
    expect(input.attributes('inputmode')).toBe('numeric')
  })
  it('formats while typing and keeps the number in the model', async () => {
    const w = mountInput()
    const input = w.find('input')
    input.element.focus()
    input.element.value = '12000'
    input.element.setSelectionRange(5, 5)
    await input.trigger('input')
    expect(input.element.value).toBe('12,000')
    expect(input.element.selectionStart).toBe(6)
    expect(w.vm.v).toBe(12000)
  })
  it('reads a pasted "1,234,000원"', async () => {
    const w = mountInput()
    const input = w.find('input')
    input.element.value = '1,234,000원'
    await input.trigger('input')
    expect(input.element.value).toBe('1,234,000')
    expect(w.vm.v).toBe(1234000)
  })
  it('empties to null and follows a change of the model', async () => {
    const w = mountInput(5000)
    const input = w.find('input')
    input.element.value = ''
    await input.trigger('input')
    expect(w.vm.v).toBe(null)
    w.vm.v = 70000
    await w.vm.$nextTick()
    expect(input.element.value).toBe('70,000')
  })
})

import { describe, expect, it } from 'vitest';
import { StudioError } from './errors';
import { shownText } from './shownText';
import { decimalNumber, wholeNumber } from './strictNumbers';

describe('strict numbers', () => {
  it.each([
    ['12', 12],
    ['-0.25', -0.25],
    ['.5', 0.5],
    ['+3.', 3],
    [' 0.4 ', 0.4],
    ['007', 7],
    ['1e-5', 0.00001],
    ['-2.5E+1', -25],
  ])('reads the decimal %j', (text, value) => {
    expect(decimalNumber(text, '--valence')).toBe(value);
  });

  it.each(['0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '', '   ', '1,5', '1.2.3', '--1', '1e', 'e3', '.', '١٢', '12abc', '1_000'])(
    'refuses %j as a decimal, naming the option and the value',
    (text) => {
      expect(() => decimalNumber(text, '--valence')).toThrow(StudioError);
      expect(() => decimalNumber(text, '--valence')).toThrow(`--valence must be a decimal number such as 12, -0.25 or .5, not ${JSON.stringify(text)}.`);
    },
  );

  it('refuses a decimal too large for a double', () => {
    expect(() => decimalNumber('1e999', 'line 3: valence')).toThrow('line 3: valence "1e999" is too large to be a number.');
  });

  it('reads a decimal comma only where the file frees the comma', () => {
    expect(decimalNumber('0,5', 'valence', { decimalComma: true })).toBe(0.5);
    expect(decimalNumber('-,25', 'valence', { decimalComma: true })).toBe(-0.25);
    expect(decimalNumber('0.5', 'valence', { decimalComma: true })).toBe(0.5);
    expect(() => decimalNumber('0,5', 'valence')).toThrow(/not "0,5"/);
    expect(() => decimalNumber('1,000,5', 'valence', { decimalComma: true })).toThrow(/not "1,000,5"/);
  });

  it.each([
    ['0', 0],
    ['12', 12],
    ['-3', -3],
    [' 42 ', 42],
  ])('reads the whole number %j', (text, value) => {
    expect(wholeNumber(text, '--frame')).toBe(value);
  });

  it.each(['1.5', '1e3', '0x10', '', ' ', 'Infinity', 'NaN', '12.', 'ten'])('refuses %j as a whole number', (text) => {
    expect(() => wholeNumber(text, '--frame')).toThrow(`--frame must be a whole number such as 0 or 12, not ${JSON.stringify(text)}.`);
  });

  it('refuses a whole number a double cannot hold exactly', () => {
    expect(() => wholeNumber('9007199254740993', '--seed')).toThrow('--seed "9007199254740993" is too large a whole number.');
  });

  it('shows a hostile value on one line, escaped and cut short', () => {
    expect(shownText('a\nb\u001b[31m\u202e')).toBe('"a\\nb\\u001b[31m\\u202e"');
    expect(shownText('9'.repeat(1000))).toBe(`"${'9'.repeat(40)}…"`);
  });
});

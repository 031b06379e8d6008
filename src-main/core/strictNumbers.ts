/**
 * The one way the studio reads a number a person typed or a file holds. `Number()` takes `0x10`, `0b1`, `1e3`,
 * `Infinity` and `''` (as 0), so a typo or a hostile file would quietly become a value; here only plain decimal
 * text passes: `12`, `-0.25`, `.5`, `+3.`. Decimals may carry an exponent (`1e-5`), because the studio's own
 * export, pandas and R write small values that way; whole numbers may not. Surrounding spaces are ignored (CSV
 * cells are often padded); empty or blank text, hex, binary, octal prefixes, `Infinity` and `NaN` are refused.
 */
import { StudioError } from './errors';
import { shownText } from './shownText';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const WHOLE = /^[+-]?\d+$/;

export interface DecimalOptions {
  /** `0,5` for 0.5, as European spreadsheets write decimals in semicolon-separated files. */
  decimalComma?: boolean;
}

/** A finite decimal number, or a StudioError that names `what` (an option or a cell) and the text given. */
export function decimalNumber(text: string, what: string, options: DecimalOptions = {}): number {
  const trimmed = text.trim();
  const plain = options.decimalComma ? trimmed.replace(/^([+-]?\d*),(\d)/, '$1.$2') : trimmed;
  if (!DECIMAL.test(plain)) throw new StudioError(`${what} must be a decimal number such as 12, -0.25 or .5, not ${shownText(text)}.`);
  const value = Number(plain);
  if (!Number.isFinite(value)) throw new StudioError(`${what} ${shownText(text)} is too large to be a number.`);
  return value;
}

/** A whole number that a double holds exactly, or a StudioError that names `what` and the text given. */
export function wholeNumber(text: string, what: string): number {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) throw new StudioError(`${what} must be a whole number such as 0 or 12, not ${shownText(text)}.`);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) throw new StudioError(`${what} ${shownText(text)} is too large a whole number.`);
  return value;
}

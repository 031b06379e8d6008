/**
 * How a figure with its confidence interval is written everywhere it is shown (the CLI, the agreement view, the
 * study report), so that the three read the same: "0.712 [0.655, 0.760]". Takes NaN (in the core) or null (after
 * JSON, in the window) for undefined, and writes "n/a".
 */
export interface IntervalLike {
  value: number | null;
  low: number | null;
  high: number | null;
}

export function figureText(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

export function intervalText(interval: IntervalLike, digits = 3): string {
  const { value, low, high } = interval;
  if (figureText(value) === 'n/a') return 'n/a';
  const bounds = figureText(low) === 'n/a' || figureText(high) === 'n/a' ? 'n/a' : `${figureText(low, digits)}, ${figureText(high, digits)}`;
  return `${figureText(value, digits)} [${bounds}]`;
}

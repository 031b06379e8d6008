/**
 * Hard cuts, so that no face track runs across one: after a cut another person can stand exactly where the tracked
 * one stood, and the landmark model, following its crop, would carry the track (and so the person) over to them.
 * A frame's signature is a 32 x 18 colour thumbnail (block means on a sparse grid); a cut is a mean absolute
 * change of the thumbnail above CUT_MEAN_CHANGE. Measured at the 640x360 analysis size (docs/notes/persons.md):
 * the cuts of the Hamilton clip and of the two-person test video change it by 24.9-29.0 (of 255), the fastest
 * motion within a shot (Hamilton's handheld close-up, the Pexels clip) by at most 12.4.
 */
import type { RgbImage } from './imageOps';

const COLUMNS = 32;
const ROWS = 18;
/** Every STEP-th pixel of a block in each direction: the mean of a block does not need all of them. */
const STEP = 2;
export const CUT_MEAN_CHANGE = 18;

/** The frame's thumbnail: COLUMNS x ROWS x RGB block means, rounded to integers so it stays plain, exact data. */
export function frameSignature(image: RgbImage): number[] {
  const { data, width, height } = image;
  const out: number[] = [];
  for (let row = 0; row < ROWS; row++) {
    const y0 = Math.floor((row * height) / ROWS);
    const y1 = Math.max(y0 + 1, Math.floor(((row + 1) * height) / ROWS));
    for (let col = 0; col < COLUMNS; col++) {
      const x0 = Math.floor((col * width) / COLUMNS);
      const x1 = Math.max(x0 + 1, Math.floor(((col + 1) * width) / COLUMNS));
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let y = y0; y < y1; y += STEP) {
        for (let x = x0; x < x1; x += STEP) {
          const i = 3 * (y * width + x);
          r += data[i] as number;
          g += data[i + 1] as number;
          b += data[i + 2] as number;
          n++;
        }
      }
      out.push(Math.round(r / n), Math.round(g / n), Math.round(b / n));
    }
  }
  return out;
}

export function isCut(before: readonly number[], after: readonly number[]): boolean {
  if (before.length !== after.length) return true;
  let change = 0;
  for (let i = 0; i < after.length; i++) change += Math.abs((after[i] as number) - (before[i] as number));
  return change / after.length > CUT_MEAN_CHANGE;
}

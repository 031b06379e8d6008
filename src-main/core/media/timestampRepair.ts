/**
 * Makes decoder timestamps a usable clock. Frames are identified by decoded order, so a timestamp only has to be
 * faithful where the decoder knows it and non-decreasing everywhere. Decoders sometimes report none ("N/A") or
 * one that runs backwards (a lost B-frame pts, a broken muxer). The repair:
 * - trusts the longest non-decreasing subsequence of the known timestamps, i.e. distrusts as few values as
 *   possible. "Clamp to the previous value" would let one wild value (a jump to 1000 s) drag every later frame;
 * - linearly interpolates each run of missing or distrusted frames between the trusted frames around it, so a
 *   repaired time stays strictly between its neighbours' and the viewer places it where it belongs;
 * - extrapolates runs before the first / after the last trusted frame by the typical trusted frame spacing
 *   (else the nominal frame duration): nothing else is known about them;
 * - with no trusted timestamp at all, index x frame duration is the only information left.
 */

export interface RepairedTimestamps {
  ptsSec: number[];
  /** How many frames got a time that is not the decoder's own. */
  repaired: number;
}

export function repairTimestamps(raw: readonly (number | null)[], nominalFrameSec: number): RepairedTimestamps {
  const trusted = longestNonDecreasing(raw);
  const ptsSec = new Array<number>(raw.length);
  for (const i of trusted) ptsSec[i] = raw[i] as number;
  const step = typicalSpacing(raw, trusted) ?? nominalFrameSec;

  if (trusted.length === 0) {
    for (let i = 0; i < raw.length; i++) ptsSec[i] = i * step;
    return { ptsSec, repaired: raw.length };
  }
  const first = trusted[0] as number;
  const last = trusted[trusted.length - 1] as number;
  for (let i = 0; i < first; i++) ptsSec[i] = (raw[first] as number) - (first - i) * step;
  for (let i = last + 1; i < raw.length; i++) ptsSec[i] = (raw[last] as number) + (i - last) * step;
  for (let k = 1; k < trusted.length; k++) {
    const a = trusted[k - 1] as number;
    const b = trusted[k] as number;
    const ta = raw[a] as number;
    const tb = raw[b] as number;
    for (let i = a + 1; i < b; i++) ptsSec[i] = ta + ((tb - ta) * (i - a)) / (b - a);
  }
  return { ptsSec, repaired: raw.length - trusted.length };
}

/** Indexes of a longest non-decreasing subsequence of the known values (patience sorting, O(n log n)). */
function longestNonDecreasing(raw: readonly (number | null)[]): number[] {
  const tails: number[] = []; // tails[k]: index ending the best subsequence of length k + 1 found so far
  const previous = new Array<number>(raw.length).fill(-1);
  raw.forEach((value, i) => {
    if (value === null) return;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((raw[tails[mid] as number] as number) <= value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[i] = tails[lo - 1] as number;
    tails[lo] = i;
  });
  const chain: number[] = [];
  for (let i = tails.length > 0 ? (tails[tails.length - 1] as number) : -1; i >= 0; i = previous[i] as number) chain.push(i);
  return chain.reverse();
}

/** Median per-frame spacing between consecutive trusted frames; null when there is no such pair. */
function typicalSpacing(raw: readonly (number | null)[], trusted: readonly number[]): number | null {
  const spacings: number[] = [];
  for (let k = 1; k < trusted.length; k++) {
    const a = trusted[k - 1] as number;
    const b = trusted[k] as number;
    const spacing = ((raw[b] as number) - (raw[a] as number)) / (b - a);
    if (spacing > 0) spacings.push(spacing);
  }
  if (spacings.length === 0) return null;
  spacings.sort((x, y) => x - y);
  return spacings[spacings.length >> 1] as number;
}

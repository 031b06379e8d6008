/**
 * Which face tracks are one person (issue 14): a track ends at every cut, occlusion or turn of the head, so one
 * person is many tracks. Each track's identity descriptors (a few sampled frames, faceres) are averaged; tracks are
 * then joined bottom-up (agglomerative, average linkage on cosine similarity) while the closest two groups are at
 * least `minCosine` alike, and never when a track of one group is on screen on the same frame as a track of the
 * other: one person has one face per frame. Pure: the same tracks give the same persons.
 */

export interface TrackSummary {
  trackId: number;
  /** Frames the track has a face on (turned away or not), ascending. */
  frames: number[];
  /** The identity descriptors sampled on it (none when it never faced the camera). */
  identities: Float32Array[];
}

/**
 * Measured with faceres on upright 224-px crops (docs/notes/persons.md): the same person across the test video's cut
 * and pose changes scores 0.80-0.97, two different people 0.25-0.62 (FRL photos and the Hamilton clip).
 */
export const LINK_MIN_COSINE = 0.7;

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return v.map((x) => x * s);
}

/** The track's identity: the mean of its unit-length descriptors, made unit length again. */
export function trackIdentity(identities: readonly Float32Array[]): Float32Array | null {
  const first = identities[0];
  if (!first) return null;
  const sum = new Float32Array(first.length);
  for (const v of identities) unit(v).forEach((x, i) => (sum[i] = (sum[i] as number) + x));
  return unit(sum);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

/**
 * Groups of track ids, one per person, each ordered by track id; groups ordered by their first frame. Tracks with no
 * identity descriptor cannot be linked and are left out (the caller leaves them unlinked).
 */
export function linkTracks(tracks: readonly TrackSummary[], minCosine: number = LINK_MIN_COSINE): number[][] {
  const usable = tracks.map((t) => ({ track: t, identity: trackIdentity(t.identities) })).filter((t): t is { track: TrackSummary; identity: Float32Array } => t.identity !== null);
  const similarity = usable.map((a) => usable.map((b) => cosine(a.identity, b.identity)));
  const frameSets = usable.map((u) => new Set(u.track.frames));
  const together = usable.map((a, i) => usable.map((b, j) => i !== j && b.track.frames.some((f) => frameSets[i]?.has(f))));
  let groups: number[][] = usable.map((_, i) => [i]);
  for (;;) {
    let best: [number, number] | null = null;
    let bestSimilarity = minCosine;
    for (let g = 0; g < groups.length; g++) {
      for (let h = g + 1; h < groups.length; h++) {
        const a = groups[g] as number[];
        const b = groups[h] as number[];
        if (a.some((i) => b.some((j) => together[i]?.[j]))) continue;
        let sum = 0;
        for (const i of a) for (const j of b) sum += similarity[i]?.[j] ?? 0;
        const average = sum / (a.length * b.length);
        if (average >= bestSimilarity) {
          best = [g, h];
          bestSimilarity = average;
        }
      }
    }
    if (!best) break;
    const [g, h] = best;
    groups = [...groups.filter((_, k) => k !== g && k !== h), [...(groups[g] as number[]), ...(groups[h] as number[])]];
  }
  const firstFrame = (group: number[]) => Math.min(...group.map((i) => usable[i]?.track.frames[0] ?? Infinity));
  return groups
    .sort((a, b) => firstFrame(a) - firstFrame(b) || Math.min(...a) - Math.min(...b))
    .map((group) => group.map((i) => usable[i]?.track.trackId as number).sort((x, y) => x - y));
}

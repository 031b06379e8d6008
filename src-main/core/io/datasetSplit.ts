/**
 * The train/val/test split of a dataset export, made over groups (a subject, else a video) so that no group, and
 * hence no video and no person, lands in two splits. Deterministic for a given seed: the groups are put in a
 * canonical order, shuffled with a seeded generator, and each is given to the split furthest below its share.
 */
import { seededRandom as seededNumberRandom } from '../affect/random';
import { StudioError } from '../errors';
import { shownText } from '../shownText';
import { decimalNumber } from '../strictNumbers';

export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Shares of the images per split; they sum to 1. */
export type SplitRatios = Record<SplitName, number>;

export const DEFAULT_SPLIT: SplitRatios = { train: 0.7, val: 0.15, test: 0.15 };
export const DEFAULT_SPLIT_SEED = '0';

/** "70,15,15" or "0.8,0.1,0.1" (any non-negative shares, normalised to sum to 1). */
export function parseSplitRatios(text: string): SplitRatios {
  const texts = text.split(',');
  if (texts.length !== 3) throw new StudioError(`The split must be three non-negative shares TRAIN,VAL,TEST (e.g. 70,15,15), not ${shownText(text)}.`);
  const parts = texts.map((part, i) => decimalNumber(part, `The ${SPLIT_NAMES[i]} share of the split`));
  if (parts.some((p) => p < 0)) throw new StudioError(`The split must be three non-negative shares TRAIN,VAL,TEST (e.g. 70,15,15), not ${shownText(text)}.`);
  return normaliseRatios({ train: parts[0] as number, val: parts[1] as number, test: parts[2] as number });
}

export function normaliseRatios(ratios: SplitRatios): SplitRatios {
  const values = SPLIT_NAMES.map((name) => ratios[name]);
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new StudioError('Split shares must be non-negative numbers.');
  const sum = values.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new StudioError('At least one split share must be above 0.');
  return { train: ratios.train / sum, val: ratios.val / sum, test: ratios.test / sum };
}

export interface SplitGroup {
  /** Unique per group, e.g. "subject:ana" or "video:3". */
  key: string;
  /** What the shares are measured in: the group's images. */
  weight: number;
}

/**
 * Assigns every group to one split. Greedy on the shuffled order: each group goes to the split with the largest
 * remaining deficit (target weight minus weight given so far; ties in the order train, val, test), except that
 * while there are only as many groups left as splits with a share above 0 that are still empty, the group goes to
 * one of those, so every such split gets at least one group whenever there are enough groups.
 */
export function assignSplits(groups: readonly SplitGroup[], ratiosInput: SplitRatios, seed: string): Map<string, SplitName> {
  const ratios = normaliseRatios(ratiosInput);
  const keys = groups.map((g) => g.key);
  const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
  if (duplicate !== undefined) throw new Error(`split group ${duplicate} given twice`);
  const ordered = [...groups].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  shuffle(ordered, seededRandom(seed));
  const total = ordered.reduce((sum, g) => sum + g.weight, 0);
  const given: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const used: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  const wanted = SPLIT_NAMES.filter((name) => ratios[name] > 0);
  const deficit = (name: SplitName) => ratios[name] * total - given[name];
  const result = new Map<string, SplitName>();
  ordered.forEach((group, i) => {
    const left = ordered.length - i;
    const empty = wanted.filter((name) => used[name] === 0);
    const candidates = empty.length > 0 && left <= empty.length ? empty : wanted;
    let best = candidates[0] as SplitName;
    for (const name of candidates) if (deficit(name) > deficit(best)) best = name;
    given[best] += group.weight;
    used[best]++;
    result.set(group.key, best);
  });
  return result;
}

/** FNV-1a of the seed text feeds the studio's one seeded generator: the same split on every platform. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return seededNumberRandom(h >>> 0);
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

/**
 * Few-shot valence/arousal on a labelled image set such as ../shared/data/kerc-dev/labels.csv (evaluation only,
 * never training data for shipped weights): support fraction:0.05 and fraction:0.25 (20 draws each) and random:1
 * per clip for 10% of clips, comparing the support mean, k-NN on the embedding, the authors' nearest-anchor + delta
 * rule with the prior head, ridge on the descriptor, and what ships (trained head, the product's label wiring, fused
 * anchors, smoothing) on the same draws, with the studio's held-back score of the support labels and its 90% band
 * coverage (as given and calibrated) beside them. JSON lines on stdout.
 * --compare-descriptors: the studio with and without the facial-action embedding (descriptor versions 2 and 1) on
 * the SAME draws, per draw the paired difference (v2 - v1) of CCC valence/arousal, pooled and on clips without
 * support, then the mean difference with its 95% interval and both versions' predictors side by side (without the
 * held-back score, which changes no prediction; --support defaults to fraction:0.05,fraction:0.1).
 * Usage: npm run bench -- fewshot DATASET [--draws N] [--range MIN,MAX] [--descriptor 1|2]
 *        npm run bench -- fewshot DATASET --compare-descriptors [--support fraction:0.05,fraction:0.1] [--draws N]
 * (kerc-dev: --range 1,9, the default)
 */
import os from 'node:os';
import { encodeImages, readLabelledImages } from '../src-main/core/affect/labelledImages';
import { compareDescriptors, PREDICTORS, runFewshot, type FewshotData, type FewshotRun } from '../src-main/core/affect/fewshot';
import type { DescriptorVersion } from '../src-main/core/affect/descriptorLayout';

const DATA = process.argv[2] ?? '';
if (DATA === '' || DATA.startsWith('--')) {
  process.stderr.write('usage: npm run bench -- fewshot DATASET [--draws N] [--range MIN,MAX]\n  DATASET: a labelled image CSV (image,clip,frame,valence,arousal) or an AFEW-VA folder, e.g. ../shared/data/kerc-dev/labels.csv\n');
  process.exit(2);
}
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const DRAWS = Number(arg('--draws') ?? 20);
const RANGE = (arg('--range') ?? '1,9').split(',').map(Number) as [number, number];
const DESCRIPTOR = Number(arg('--descriptor') ?? 2) as DescriptorVersion;

const round = (x: number) => Math.round(x * 1000) / 1000;

async function main(): Promise<void> {
  const images = readLabelledImages(DATA, RANGE);
  const start = performance.now();
  const encoded = await encodeImages(images);
  console.log(JSON.stringify({ bench: 'fewshot', images: images.length, encodeSec: round((performance.now() - start) / 1000), fromCache: encoded.fromCache }));
  const data: FewshotData = { items: images, embeddings: encoded.embeddings, probabilities: encoded.probabilities, actions: encoded.actions };
  if (process.argv.includes('--compare-descriptors')) return compare(data);
  const configs = [
    { spec: 'fraction:0.05', draws: DRAWS, clipFraction: 1 },
    { spec: 'fraction:0.25', draws: DRAWS, clipFraction: 1 },
    { spec: 'random:1', draws: DRAWS, clipFraction: 0.1 },
  ];
  for (const config of configs) {
    const t0 = performance.now();
    const run = runFewshot(data, config.spec, { draws: config.draws, seed: 7, anchors: 'any', clipFraction: config.clipFraction, descriptorVersion: DESCRIPTOR });
    const sec = (performance.now() - t0) / 1000;
    for (const group of ['all', 'clipHasSupport', 'clipWithoutSupport'] as const) {
      const row: Record<string, unknown> = { bench: 'fewshot', descriptor: DESCRIPTOR, support: config.spec, clipFraction: config.clipFraction, draws: config.draws, queries: group };
      for (const name of PREDICTORS) {
        const s = run.summary[name][group];
        if (!s) continue;
        row[name] = { cccV: round(s.valence.ccc.mean), cccA: round(s.arousal.ccc.mean), sdCccV: round(s.valence.ccc.sd), sdCccA: round(s.arousal.ccc.sd), rmseV: round(s.valence.rmse.mean), rmseA: round(s.arousal.rmse.mean), pccV: round(s.valence.pcc.mean), pccA: round(s.arousal.pcc.mean), sagrV: round(s.valence.sagr.mean), sagrA: round(s.arousal.sagr.mean) };
      }
      const studio = run.summary.studio[group];
      if (studio) {
        const baselines = PREDICTORS.filter((p) => p !== 'studio');
        const margin = (dim: 'valence' | 'arousal') => round(studio[dim].ccc.mean - Math.max(...baselines.map((b) => run.summary[b][group]?.[dim].ccc.mean ?? Number.NaN).filter(Number.isFinite)));
        row.studioMarginOverBestBaseline = { cccV: margin('valence'), cccA: margin('arousal') };
      }
      console.log(JSON.stringify(row));
    }
    // The studio's 90% band (±1.645 sd): share of queries inside it, as given and calibrated by its held-back residuals.
    const band90 = Object.fromEntries(Object.entries(run.band90).map(([group, b]) => [group, b && Object.fromEntries(Object.entries(b).map(([field, s]) => [field, round(s.mean)]))]));
    console.log(JSON.stringify({ bench: 'fewshot', support: config.spec, draws: config.draws, studioBand90: band90 }));
    const heldBack = run.heldBack && Object.fromEntries(Object.entries(run.heldBack).map(([field, s]) => [field, round(s.mean)]));
    console.log(JSON.stringify({ bench: 'fewshot', support: config.spec, draws: config.draws, studioHeldBack: heldBack }));
    console.log(JSON.stringify({ bench: 'fewshot', support: config.spec, seconds: round(sec), machine: { cpus: os.cpus().length, node: process.versions.node } }));
  }
}

/** Each predictor's mean CCC on a query group of a run, and the studio's margin over the best baseline. */
function predictorRow(run: FewshotRun, group: 'all' | 'clipWithoutSupport'): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const name of PREDICTORS) {
    const s = run.summary[name][group];
    if (s) row[name] = { cccV: round(s.valence.ccc.mean), cccA: round(s.arousal.ccc.mean) };
  }
  const studio = run.summary.studio[group];
  const baselines = PREDICTORS.filter((p) => p !== 'studio');
  const margin = (dim: 'valence' | 'arousal') =>
    studio ? round(studio[dim].ccc.mean - Math.max(...baselines.map((b) => run.summary[b][group]?.[dim].ccc.mean ?? Number.NaN).filter(Number.isFinite))) : null;
  row.studioMarginOverBestBaseline = { cccV: margin('valence'), cccA: margin('arousal') };
  return row;
}

function compare(data: FewshotData): void {
  const supports = (arg('--support') ?? 'fraction:0.05,fraction:0.1').split(',');
  for (const spec of supports) {
    const t0 = performance.now();
    // Predictions only: the held-back score retrains per fold (most of a draw's time) and changes no prediction.
    const result = compareDescriptors(data, spec, { draws: DRAWS, seed: 7, anchors: 'any', heldBack: false }, (p) => {
      const cell = (d: { valence: number; arousal: number } | null) => d && { cccV: round(d.valence), cccA: round(d.arousal) };
      console.log(JSON.stringify({ bench: 'fewshot', compare: 'v2-v1', support: spec, draw: p.draw, all: cell(p.difference.all), clipWithoutSupport: cell(p.difference.clipWithoutSupport) }));
    });
    const interval = (m: { mean: number; low: number; high: number }) => ({ mean: round(m.mean), ci95: [round(m.low), round(m.high)] });
    const mean = Object.fromEntries(Object.entries(result.mean).map(([group, m]) => [group, m && { cccV: interval(m.valence), cccA: interval(m.arousal) }]));
    console.log(JSON.stringify({ bench: 'fewshot', compare: 'v2-v1', support: spec, draws: DRAWS, meanDifference: mean, interval: 'percentile bootstrap over draws' }));
    for (const [version, run] of [[1, result.v1], [2, result.v2]] as const) {
      for (const group of ['all', 'clipWithoutSupport'] as const) console.log(JSON.stringify({ bench: 'fewshot', descriptor: version, support: spec, draws: DRAWS, queries: group, ...predictorRow(run, group) }));
    }
    console.log(JSON.stringify({ bench: 'fewshot', compare: 'v2-v1', support: spec, seconds: round((performance.now() - t0) / 1000), machine: { cpus: os.cpus().length, node: process.versions.node } }));
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * NOVA continuous annotations (hcmlab/nova): per scheme a header `.annotation` (XML: `<info ftype="ASCII"
 * size=N/>`, `<meta annotator=.../>`, `<scheme type="CONTINUOUS" sr= min= max=/>`) and a data file
 * `.annotation~` with one `score;confidence` line per sample, sample i at i / sr seconds. Followed: NOVA's
 * docs/index.md "File Format" (Continuous) and its loader Types/AnnoListFile.cs (LoadfromFile splits data lines
 * on ';', reads confidence with the invariant culture, places sample i at i / sr). "No score applicable" is NAN
 * in NOVA's docs; we write .NET's own spelling, NaN, which its number parser reads.
 */
import { layersOf, type AffectLayer } from './layers';
import type { VideoTable } from './frameTable';
import type { OutputFile } from './exportTarget';

export const NOVA_SCHEMES = ['valence', 'arousal'] as const;

export function tablesToNova(tables: readonly VideoTable[]): OutputFile[] {
  return tables.flatMap((table) => {
    const sr = sampleRate(table);
    return layersOf(table).flatMap((layer) =>
      NOVA_SCHEMES.flatMap((scheme) => {
        const samples = resample(layer, scheme, sr);
        const stem = `${layer.fileStem}.${scheme}.annotation`;
        return [
          { name: stem, data: novaHeader(layer.name, scheme, sr, samples.length) },
          { name: `${stem}~`, data: samples.map(({ score, confidence }) => `${score};${confidence}\r\n`).join('') },
        ];
      }),
    );
  });
}

function novaHeader(annotator: string, scheme: string, sr: number, size: number): string {
  return [
    '<?xml version="1.0" ?>',
    '<annotation ssi-v="3">',
    `    <info ftype="ASCII" size="${size}" />`,
    `    <meta annotator="${xmlAttr(annotator)}" />`,
    `    <scheme name="${scheme}" type="CONTINUOUS" sr="${sr}" min="-1" max="1" />`,
    '</annotation>',
    '',
  ].join('\r\n');
}

/** The video's frame rate; frame folders (no rate) and odd files fall back to frames / duration. */
function sampleRate({ video }: VideoTable): number {
  if (video.avgFps && video.avgFps > 0) return video.avgFps;
  return video.durationSec > 0 ? video.frameCount / video.durationSec : 25;
}

/**
 * NOVA samples at a fixed rate from 0 s, the studio stores frames at their presentation times: each sample takes
 * the frame nearest in time. For a constant-rate video at its own rate that is frame i for sample i.
 */
function resample(layer: AffectLayer, scheme: (typeof NOVA_SCHEMES)[number], sr: number): { score: string; confidence: string }[] {
  const times = layer.frames.map((frame) => frame.timeSec);
  const last = times.at(-1) ?? 0;
  const count = layer.frames.length === 0 ? 0 : Math.floor(last * sr + 0.5) + 1;
  return Array.from({ length: count }, (_, i) => {
    const frame = layer.frames[nearest(times, i / sr)];
    const value = frame?.[scheme] ?? null;
    if (value === null || frame === undefined) return { score: 'NaN', confidence: '0' };
    return { score: decimal(value), confidence: decimal(frame.confidence[scheme]) };
  });
}

function nearest(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t - (sorted[lo - 1] as number) <= (sorted[lo] as number) - t ? lo - 1 : lo;
}

/** Plain decimal with '.' (never an exponent, which not every reader parses), 6 places are below any rater's precision. */
function decimal(value: number): string {
  return String(Number(value.toFixed(6)));
}

function xmlAttr(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

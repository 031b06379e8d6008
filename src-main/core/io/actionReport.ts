/**
 * The study report's facial-action section: per video and person, the mean and sd of each chosen trace over the
 * frames where the face was seen, and a small plot of the traces over time. Pure, like studyReport.ts: data in,
 * HTML text out (inline SVG, nothing fetched).
 */
import { escapeXml } from './agreementSvg';

export interface ActionSummary {
  video: string;
  person: string;
  durationSec: number;
  traces: { label: string; frames: number; mean: number | null; sd: number | null; values: Float32Array }[];
}

/** Colours of the plot's traces (Okabe-Ito), trace i colour i, as the timeline lanes draw them. */
const COLOURS = ['#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#6a4c93', '#4d5566'] as const;
/** Points per trace in the plot: enough for a report, small enough to keep the file light. */
const PLOT_POINTS = 300;

/** Mean and population sd of the values that are not NaN; null for both when there are none. */
export function traceStatistics(values: Float32Array): { frames: number; mean: number | null; sd: number | null } {
  let n = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  if (n === 0) return { frames: 0, mean: null, sd: null };
  const mean = sum / n;
  let squares = 0;
  for (const v of values) if (!Number.isNaN(v)) squares += (v - mean) ** 2;
  return { frames: n, mean, sd: Math.sqrt(squares / n) };
}

export function actionSectionHtml(summaries: readonly ActionSummary[]): string {
  const parts = ['<p>Facial-action traces are the means of the MediaPipe blendshape scores (0 to 1) that make them, over the frames where the person\'s face was found facing the camera.</p>'];
  for (const s of summaries) {
    const rows = s.traces.map((t) => `<tr><td>${escapeXml(t.label)}</td><td class="num">${t.frames}</td><td class="num">${t.mean === null ? '–' : t.mean.toFixed(3)}</td><td class="num">${t.sd === null ? '–' : t.sd.toFixed(3)}</td></tr>`);
    parts.push(
      `<h3>${escapeXml(s.video)} · ${escapeXml(s.person)}</h3>`,
      `<table><thead><tr><th>trace</th><th class="num">frames</th><th class="num">mean</th><th class="num">sd</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      `<figure>${plotSvg(s)}<figcaption>${escapeXml(s.person)}'s facial actions over ${escapeXml(s.video)} (0 to 1; gaps: no face).</figcaption></figure>`,
    );
  }
  return parts.join('\n');
}

function plotSvg(s: ActionSummary, width = 720, height = 150): string {
  const left = 34;
  const right = 10;
  const top = 24;
  const bottom = 18;
  const w = width - left - right;
  const h = height - top - bottom;
  const font = 'font-family="system-ui, sans-serif" font-size="11"';
  const parts = [
    `<line x1="${left}" y1="${top + h}" x2="${left + w}" y2="${top + h}" stroke="#aab2c0"/>`,
    `<line x1="${left}" y1="${top}" x2="${left + w}" y2="${top}" stroke="#eceef1"/>`,
    `<text x="${left - 6}" y="${top + 4}" ${font} text-anchor="end" fill="#5b6474">1</text>`,
    `<text x="${left - 6}" y="${top + h + 4}" ${font} text-anchor="end" fill="#5b6474">0</text>`,
    `<text x="${left + w}" y="${height - 4}" ${font} text-anchor="end" fill="#5b6474">${s.durationSec.toFixed(1)} s</text>`,
  ];
  let legendX = left;
  s.traces.forEach((trace, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    parts.push(`<line x1="${legendX}" y1="10" x2="${legendX + 14}" y2="10" stroke="${colour}" stroke-width="2"/><text x="${legendX + 18}" y="14" ${font} fill="#1d2330">${escapeXml(trace.label)}</text>`);
    legendX += 28 + trace.label.length * 6.5;
    parts.push(`<path d="${pathOf(trace.values, left, top, w, h)}" fill="none" stroke="${colour}" stroke-width="1.3"/>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** The trace as an SVG path of at most PLOT_POINTS bucket means, broken where a bucket has no face. */
function pathOf(values: Float32Array, left: number, top: number, w: number, h: number): string {
  const buckets = Math.min(PLOT_POINTS, values.length);
  let d = '';
  let drawing = false;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * values.length) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * values.length) / buckets));
    const { mean } = traceStatistics(values.subarray(from, to));
    if (mean === null) {
      drawing = false;
      continue;
    }
    const x = left + ((b + 0.5) / buckets) * w;
    const y = top + (1 - Math.min(1, Math.max(0, mean))) * h;
    d += `${drawing ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
    drawing = true;
  }
  return d;
}

/**
 * The agreement plots as SVG text: the raters' traces of one video overlaid, and a Bland-Altman plot of a rater
 * pair. One drawing for the studio's agreement view (which shows the string) and the study report (which inlines
 * it), so the window and the printed methods show the same picture. Pure, no DOM: it runs in main and in the
 * renderer. Colours are presentation attributes, not style attributes, which the window's CSP forbids.
 */

/** Okabe-Ito: distinguishable with the common forms of colour blindness; rater i gets colour i. */
export const RATER_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'] as const;

export interface TraceSeries {
  label: string;
  timeSec: readonly number[];
  values: readonly number[];
  /** Drawn dashed in black, over the raters: the fused layer's preview. */
  emphasis?: boolean;
}

export interface BlandAltmanData {
  a: string;
  b: string;
  meanDifference: number | null;
  lower: number | null;
  upper: number | null;
  points: readonly (readonly [number, number])[];
}

const FONT = 'font-family="system-ui, sans-serif" font-size="11"';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fixed = (v: number) => (Math.round(v * 10) / 10).toString();

export function raterColour(index: number): string {
  return RATER_COLOURS[index % RATER_COLOURS.length] as string;
}

/**
 * One axis (valence or arousal, on [-1, 1]) of every series over time, a legend above. Series with few points get
 * a dot per label as well as the line, so sparse labels read as labels and not as a measured curve.
 */
export function tracesSvg(title: string, series: readonly TraceSeries[], durationSec: number, width = 720, height = 180): string {
  const left = 34;
  const right = 10;
  const top = 40;
  const bottom = 22;
  const w = width - left - right;
  const h = height - top - bottom;
  const span = Math.max(durationSec, 1e-6);
  const x = (t: number) => left + (Math.min(Math.max(t, 0), span) / span) * w;
  const y = (v: number) => top + ((1 - Math.min(Math.max(v, -1), 1)) / 2) * h;
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="12" ${FONT} font-weight="600" fill="#1d2330">${escapeXml(title)}</text>`);
  // The legend on its own line under the title, so a long video name never runs into it.
  let legendX = left;
  series.forEach((s, i) => {
    const colour = s.emphasis ? '#000000' : raterColour(i);
    parts.push(`<line x1="${legendX}" y1="24" x2="${legendX + 16}" y2="24" stroke="${colour}" stroke-width="2"${s.emphasis ? ' stroke-dasharray="4 3"' : ''}/>`);
    parts.push(`<text x="${legendX + 20}" y="28" ${FONT} fill="#1d2330">${escapeXml(s.label)}</text>`);
    legendX += 32 + s.label.length * 6.2;
  });
  parts.push(`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="#ffffff" stroke="#d9dce1"/>`);
  for (const v of [1, 0, -1]) {
    parts.push(`<line x1="${left}" y1="${fixed(y(v))}" x2="${left + w}" y2="${fixed(y(v))}" stroke="${v === 0 ? '#aab2c0' : '#eceef1'}"/>`);
    parts.push(`<text x="${left - 4}" y="${fixed(y(v) + 4)}" ${FONT} text-anchor="end" fill="#5b6474">${v}</text>`);
  }
  parts.push(`<text x="${left}" y="${height - 6}" ${FONT} fill="#5b6474">0 s</text>`);
  parts.push(`<text x="${left + w}" y="${height - 6}" ${FONT} text-anchor="end" fill="#5b6474">${fixed(durationSec)} s</text>`);
  series.forEach((s, i) => {
    const colour = s.emphasis ? '#000000' : raterColour(i);
    const points = s.timeSec.map((t, k) => `${fixed(x(t))},${fixed(y(s.values[k] as number))}`);
    if (points.length > 1) {
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="${s.emphasis ? 2 : 1.5}"${s.emphasis ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
    if (points.length <= 120 && !s.emphasis) {
      for (const p of points) {
        const [cx, cy] = p.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2.4" fill="${colour}"/>`);
      }
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}">${parts.join('')}</svg>`;
}

/**
 * Bland & Altman's plot: each frame both rated at (mean of the two, difference a - b), the mean difference as a
 * solid line and the limits of agreement dashed. The vertical axis is symmetric around 0 so a bias is seen as an
 * offset from the middle; the horizontal one spans the means (padded), where the ratings are.
 */
export function blandAltmanSvg(title: string, data: BlandAltmanData, width = 360, height = 240): string {
  const left = 40;
  const right = 96;
  const top = 26;
  const bottom = 30;
  const w = width - left - right;
  const h = height - top - bottom;
  const lines = [data.meanDifference, data.lower, data.upper].filter((v): v is number => v !== null && Number.isFinite(v));
  const reach = Math.max(0.1, ...data.points.map(([, d]) => Math.abs(d)), ...lines.map(Math.abs)) * 1.1;
  const means = data.points.map(([m]) => m);
  const pad = 0.05;
  const lo = means.length ? Math.max(-1, Math.min(...means) - pad) : -1;
  const hi = means.length ? Math.min(1, Math.max(...means) + pad) : 1;
  const x = (m: number) => left + ((m - lo) / Math.max(hi - lo, 1e-6)) * w;
  const y = (d: number) => top + ((reach - d) / (2 * reach)) * h;
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="14" ${FONT} font-weight="600" fill="#1d2330">${escapeXml(title)}</text>`);
  parts.push(`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="#ffffff" stroke="#d9dce1"/>`);
  parts.push(`<line x1="${left}" y1="${fixed(y(0))}" x2="${left + w}" y2="${fixed(y(0))}" stroke="#eceef1"/>`);
  for (const d of [reach, 0, -reach]) {
    parts.push(`<text x="${left - 4}" y="${fixed(y(d * 0.95) + 4)}" ${FONT} text-anchor="end" fill="#5b6474">${(Math.round(d * 95) / 100).toFixed(2)}</text>`);
  }
  for (const [m, d] of data.points) parts.push(`<circle cx="${fixed(x(m))}" cy="${fixed(y(d))}" r="2" fill="#0072b2" fill-opacity="0.55"/>`);
  const line = (v: number | null, name: string, dashed: boolean) => {
    if (v === null || !Number.isFinite(v)) return;
    parts.push(`<line x1="${left}" y1="${fixed(y(v))}" x2="${left + w}" y2="${fixed(y(v))}" stroke="${dashed ? '#d55e00' : '#1d2330'}" stroke-width="1.5"${dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(`<text x="${left + w + 4}" y="${fixed(y(v) + 4)}" ${FONT} fill="#1d2330">${name} ${v.toFixed(2)}</text>`);
  };
  line(data.upper, '+1.96 SD', true);
  line(data.meanDifference, 'bias', false);
  line(data.lower, '−1.96 SD', true);
  parts.push(`<text x="${left}" y="${height - 16}" ${FONT} fill="#5b6474">${lo.toFixed(2)}</text>`);
  parts.push(`<text x="${left + w}" y="${height - 16}" ${FONT} text-anchor="end" fill="#5b6474">${hi.toFixed(2)}</text>`);
  parts.push(`<text x="${width / 2}" y="${height - 4}" ${FONT} text-anchor="middle" fill="#5b6474">mean of ${escapeXml(data.a)} and ${escapeXml(data.b)}; difference ${escapeXml(data.a)} − ${escapeXml(data.b)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}">${parts.join('')}</svg>`;
}

/**
 * The study report: one self-contained HTML file a researcher can print or attach for a methods section. Every
 * style and plot is inline (no script, no link, no font or image fetched), so it opens the same anywhere, offline,
 * years later. It states what the figures are computed from (videos, frames, raters and their labels), the
 * agreement with intervals and how they were obtained, the model and its held-back score, and the studio version.
 * Pure: data in, text out.
 */
import { ICC_FORMS, ICC_FORM_NAMES, MEASURES, type Measure } from '../affect/agreement';
import type { HeldBackScore } from '../affect/heldBack';
import { AXES, type AxisFigures, type GroupAgreement, type ProjectAgreement, type RaterTrace } from '../affect/projectAgreement';
import { figureText, intervalText } from '../intervalText';
import { actionSectionHtml, type ActionSummary } from './actionReport';
import { blandAltmanSvg, escapeXml, tracesSvg } from './agreementSvg';

export interface StudyReportData {
  projectName: string;
  studioVersion: string;
  generatedAt: string;
  videos: { id: number; name: string; frames: number; durationSec: number; analysed: boolean }[];
  raters: { name: string; kind: 'human' | 'import'; labels: number; videos: number }[];
  agreement: ProjectAgreement;
  traces: { videoId: number; name: string; durationSec: number; traces: RaterTrace[] }[];
  model: {
    encoders: { name: string; version: string; sha256: string }[];
    /** The prior pair head, which needs no valence/arousal training data: every rater's head until they train their own. */
    prior: { name: string; version: string };
    /** The raters with an active head trained on their own labels alone, and that head. */
    trainedHeads: { rater: string; name: string; version: string }[];
    heldBack: { video: string; annotator: string; labels: number; minimum: number; score: HeldBackScore | null }[];
  };
  /** Per video and person with facial actions, the chosen traces; empty when the project has none. */
  actions: ActionSummary[];
}

const STYLE = `
body { font: 13px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d2330; margin: 2rem auto; max-width: 780px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin: 0 0 0.2rem; } h2 { font-size: 1.1rem; margin: 1.8rem 0 0.5rem; border-bottom: 1px solid #d9dce1; padding-bottom: 0.2rem; }
h3 { font-size: 0.98rem; margin: 1.1rem 0 0.4rem; }
.meta { color: #5b6474; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0 0.8rem; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 0.22rem 0.5rem; border-bottom: 1px solid #eceef1; vertical-align: top; }
th { font-weight: 600; background: #f4f5f7; } td.num, th.num { text-align: right; white-space: nowrap; }
.note { color: #5b6474; font-size: 0.92em; }
.plots { display: flex; flex-wrap: wrap; gap: 0.6rem; } svg { max-width: 100%; height: auto; }
figure { margin: 0.4rem 0 0.8rem; break-inside: avoid; } figcaption { color: #5b6474; font-size: 0.9em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
`;

const f3 = (v: number) => figureText(v);
const f2 = (v: number) => figureText(v, 2);

const MEASURE_NOTES: Record<Measure, string> = {
  ...(Object.fromEntries(ICC_FORM_NAMES.map((form) => [form, `${ICC_FORMS[form].means} (Shrout &amp; Fleiss ${ICC_FORMS[form].shroutFleiss})`])) as Record<Measure, string>),
  alpha: "Krippendorff's alpha, interval metric, all pairable ratings",
  CCC: "Lin's concordance correlation, mean over rater pairs",
  r: "Pearson's r, mean over rater pairs",
  RMSE: 'root mean square difference, mean over rater pairs',
};

export function studyReportHtml(data: StudyReportData): string {
  const a = data.agreement;
  const title = `${data.projectName}: study report`;
  const body = [
    `<h1>${escapeXml(title)}</h1>`,
    `<p class="meta">Affect Studio ${escapeXml(data.studioVersion)} · generated ${escapeXml(data.generatedAt)} · valence and arousal on [-1, 1]</p>`,
    section('Videos', videosTable(data)),
    section('Raters and labels', ratersTable(data)),
    section('Agreement', agreementSection(a, data)),
    section('Model', modelSection(data)),
    ...(data.actions.length > 0 ? [section('Facial actions', actionSectionHtml(data.actions))] : []),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function section(title: string, html: string): string {
  return `<h2>${escapeXml(title)}</h2>\n${html}`;
}

function videosTable(data: StudyReportData): string {
  const totalFrames = data.videos.reduce((s, v) => s + v.frames, 0);
  const totalSec = data.videos.reduce((s, v) => s + v.durationSec, 0);
  const rows = data.videos.map((v) => `<tr><td>${escapeXml(v.name)}</td><td class="num">${v.frames}</td><td class="num">${v.durationSec.toFixed(1)} s</td><td>${v.analysed ? 'yes' : 'no'}</td></tr>`);
  return `<p>${data.videos.length} video${data.videos.length === 1 ? '' : 's'}, ${totalFrames} frames, ${totalSec.toFixed(1)} s in all.</p>
<table><thead><tr><th>video</th><th class="num">frames</th><th class="num">duration</th><th>faces analysed</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function ratersTable(data: StudyReportData): string {
  const rows = data.raters.map((r) => `<tr><td>${escapeXml(r.name)}</td><td>${r.kind === 'human' ? 'annotator' : 'imported layer'}</td><td class="num">${r.labels}</td><td class="num">${r.videos}</td></tr>`);
  return `<table><thead><tr><th>rater</th><th>kind</th><th class="num">frames labelled</th><th class="num">videos</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function agreementSection(a: ProjectAgreement, data: StudyReportData): string {
  const m = a.method;
  const parts = [
    `<p>Raters compared: ${a.raters.map(escapeXml).join(', ') || 'none'}. A frame counts when at least two of them rated it; the ICCs use the frames all of them rated. Intervals are ${Math.round(m.confidence * 100)}% percentile intervals from ${m.replicates} bootstrap resamples (seed ${m.seed}) of ${m.blockSec} s blocks of time: neighbouring frames are near copies, so whole stretches are resampled, never single frames.</p>`,
  ];
  if (a.leftOut.length > 0) {
    parts.push(`<p class="note">${a.leftOut.map((l) => `${escapeXml(l.rater)}: ${l.frames} frames within ${m.neighbourhoodSec} s of the anchoring annotator's labels left out`).join('; ')}, so no rater is compared with the model on frames it was anchored on.</p>`);
  }
  // With one video the pooled figures are that video's: shown once.
  parts.push(`<h3>${a.videos.length === 1 ? escapeXml(a.videos[0]?.name ?? '') : 'Pooled over all videos'}</h3>`, groupFigures(a.pooled));
  if (a.videos.length > 1) for (const video of a.videos) parts.push(`<h3>${escapeXml(video.name)}</h3>`, groupFigures(video));
  for (const video of data.traces) {
    const plots = AXES.map((axis) =>
      tracesSvg(`${video.name}: ${axis}`, video.traces.map((t) => ({ label: t.rater, timeSec: t.timeSec, values: t[axis] })), video.durationSec),
    );
    parts.push(`<figure>${plots.join('')}<figcaption>The raters' ${escapeXml(video.name)} ratings over time, as agreement counts them.</figcaption></figure>`);
  }
  return parts.join('\n');
}

function groupFigures(group: GroupAgreement): string {
  if (group.valence === null || group.arousal === null) {
    return `<p class="note">Nothing to compare: ${group.raters.length < 2 ? 'fewer than two of the raters rated frames here' : 'no frame was rated by two raters'}.</p>`;
  }
  const axes = { valence: group.valence, arousal: group.arousal } as const;
  const rows = MEASURES.map(
    (measure) =>
      `<tr><td>${measure}</td><td class="num">${intervalText(axes.valence.measures[measure])}</td><td class="num">${intervalText(axes.arousal.measures[measure])}</td><td class="note">${MEASURE_NOTES[measure]}</td></tr>`,
  );
  return `<p>${group.raters.map(escapeXml).join(', ')}: ${group.frames} frames rated by two or more, ${group.completeFrames} by all, ${group.blocks} blocks.</p>
<table><thead><tr><th>measure</th><th class="num">valence</th><th class="num">arousal</th><th>what it is</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${pairsTable(axes)}`;
}

function pairsTable(axes: { valence: AxisFigures; arousal: AxisFigures }): string {
  const rows = AXES.flatMap((axis) =>
    axes[axis].pairs.map(
      (p) =>
        `<tr><td>${escapeXml(p.a)} – ${escapeXml(p.b)}</td><td>${axis}</td><td class="num">${p.n}</td><td class="num">${intervalText(p.ccc)}</td><td class="num">${intervalText(p.rmse)}</td><td class="num">${f2(p.blandAltman.meanDifference)} [${f2(p.blandAltman.lower)}, ${f2(p.blandAltman.upper)}]</td></tr>`,
    ),
  );
  const plots = AXES.flatMap((axis) => axes[axis].pairs.map((p) => blandAltmanSvg(`${p.a} – ${p.b}, ${axis}`, { ...p.blandAltman, a: p.a, b: p.b })));
  return `<table><thead><tr><th>pair</th><th>axis</th><th class="num">frames</th><th class="num">CCC</th><th class="num">RMSE</th><th class="num">bias [limits of agreement]</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<figure><div class="plots">${plots.join('')}</div><figcaption>Bland-Altman plots: each frame both rated, at the mean of the two ratings against their difference; the solid line is the mean difference (bias), the dashed lines the limits of agreement (mean ± 1.96 SD).</figcaption></figure>`;
}

function modelSection(data: StudyReportData): string {
  const { model } = data;
  const encoders = model.encoders.map((e) => `${escapeXml(e.name)} ${escapeXml(e.version)} (SHA-256 ${escapeXml(e.sha256.slice(0, 12))}…)`).join('; ') || 'none registered (no video analysed)';
  const prior = `the prior pair head (${escapeXml(model.prior.name)} ${escapeXml(model.prior.version)}), which was trained on no valence/arousal data`;
  const trained = model.trainedHeads.map((h) => `${escapeXml(h.rater)}'s through ${escapeXml(h.name)} ${escapeXml(h.version)}, trained on ${escapeXml(h.rater)}'s labels alone`);
  const head = trained.length === 0 ? prior : `${trained.join('; ')}; any other annotator's through ${prior}`;
  const rows = model.heldBack.map((h) => {
    const s = h.score;
    const figures = s
      ? `<td class="num">${f3(s.cccValence)}</td><td class="num">${f3(s.cccArousal)}</td><td class="num">${f3(s.rmseValence)}</td><td class="num">${f3(s.rmseArousal)}</td><td class="num">${s.labels} labels, ${s.folds} folds${s.retrainedPerFold ? ', head retrained per fold' : ''}</td>`
      : `<td colspan="5" class="note">not scored: ${h.labels} of the ${h.minimum} labels needed</td>`;
    return `<tr><td>${escapeXml(h.video)}</td><td>${escapeXml(h.annotator)}</td>${figures}</tr>`;
  });
  const neighbourhood = data.agreement.method.neighbourhoodSec;
  return `<p>Face encoder: ${encoders}. Predictions come from each annotator's labels: ${head}.</p>
<p>Held-back score: blocked cross-validation over each annotator's labels of a video; each fold also leaves out every label within ${neighbourhood} s of a held-out one, so the model is scored on frames it was not anchored on.</p>
${rows.length === 0 ? '<p class="note">No analysed video has labels to score.</p>' : `<table><thead><tr><th>video</th><th>annotator</th><th class="num">CCC V</th><th class="num">CCC A</th><th class="num">RMSE V</th><th class="num">RMSE A</th><th class="num">from</th></tr></thead><tbody>${rows.join('')}</tbody></table>`}`;
}

/**
 * `affect-studio agreement`, `fuse` and `report`: how well the chosen raters agree (the same use case and figures
 * as the studio's agreement view), their fused gold layer, and the study report as one HTML file.
 */
import path from 'node:path';
import { AXES, FUSION_METHODS, type FusionMethod, type GroupAgreement, type RaterRef } from '../core/affect/projectAgreement';
import { agreementReport, fuseAnnotators } from '../core/app/agreement';
import { REPORT_JOB } from '../core/app/jobs';
import { startStudyReport } from '../core/app/report';
import { toJsonSafe } from '../core/jsonSafe';
import { figureText, intervalText } from '../core/intervalText';
import { openSession } from './openSession';
import { personOption } from './personCommands';
import { UsageError, type CliIo, type Values } from './args';
import { jobFailed, runJob, videoOption } from './exportCommands';
import { counted } from '../core/counted';

export async function agreementCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('agreement needs exactly one project folder');
  const raters = raterChoice(values);
  const session = await openSession(project, io);
  try {
    const report = await agreementReport(session, { videoId: videoOption(values), personId: personOption(values), raters });
    if (values.json) {
      io.out(JSON.stringify(toJsonSafe(report)) + '\n');
      return 0;
    }
    const { method } = report;
    io.out(`raters: ${report.raters.join(', ') || '(none)'}\n`);
    io.out(`intervals: ${Math.round(method.confidence * 100)}%, ${method.replicates} bootstrap resamples of ${method.blockSec} s blocks of time (seed ${method.seed})\n`);
    for (const left of report.leftOut) io.out(`${left.rater}: ${left.frames} frames within ${method.neighbourhoodSec} s of its annotator's labels left out\n`);
    io.out(group('pooled', report.pooled));
    for (const video of report.videos) io.out(group(`video ${video.videoId} ${video.name}`, video));
    return 0;
  } finally {
    await session.close();
  }
}

/** --annotator NAME and --model NAME (the model anchored on NAME's labels), in that order; none: the default. */
function raterChoice(values: Values): RaterRef[] | undefined {
  const raters: RaterRef[] = [
    ...(values.annotator ?? []).map((name) => ({ kind: 'annotator' as const, name })),
    ...(values.model ?? []).map((anchoredOn) => ({ kind: 'model' as const, anchoredOn })),
  ];
  if (raters.length === 1) throw new UsageError('agreement needs at least two raters (--annotator NAME, --model NAME), or none for every human annotator');
  return raters.length === 0 ? undefined : raters;
}

function group(title: string, figures: GroupAgreement): string {
  const head = `${title}: ${figures.frames} frames rated by two or more (${figures.completeFrames} by all${figures.raters.length ? `: ${figures.raters.join(', ')}` : ''})\n`;
  if (figures.valence === null || figures.arousal === null) return `${head}  nothing to compare\n`;
  const axes = { valence: figures.valence, arousal: figures.arousal };
  const lines = AXES.flatMap((axis) => [
    `  ${axis}: ${Object.entries(axes[axis].measures).map(([m, figure]) => `${m} ${intervalText(figure)}`).join(', ')}\n`,
    ...axes[axis].pairs.map(({ a, b, blandAltman: ba }) => `  ${axis} ${a} - ${b}: bias ${figureText(ba.meanDifference)}, limits of agreement ${figureText(ba.lower)} to ${figureText(ba.upper)} (${ba.n} frames)\n`),
  ]);
  return head + lines.join('');
}

export async function fuseCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('fuse needs exactly one project folder');
  const method = (values.method ?? 'ewe') as FusionMethod;
  if (!Object.hasOwn(FUSION_METHODS, method)) throw new UsageError(`--method must be mean or ewe, not "${values.method}"`);
  if (values.model !== undefined) throw new UsageError('fuse combines annotators only (--annotator NAME); a model is not fused into a gold layer');
  const session = await openSession(project, io);
  try {
    const result = await fuseAnnotators(session, method, { videoId: videoOption(values), personId: personOption(values), raters: raterChoice(values) });
    io.out(values.json ? JSON.stringify(result) + '\n' : `saved ${counted(result.labels, 'label')} as "${result.annotator.name}"\n`);
    return 0;
  } finally {
    await session.close();
  }
}

export async function reportCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('report needs exactly one project folder');
  if (values.out === undefined) throw new UsageError('report needs --out (the .html file to write)');
  const out = path.resolve(values.out);
  const raters = raterChoice(values);
  const session = await openSession(project, io);
  try {
    const request = { folder: path.dirname(out), name: path.basename(out), overwrite: values.force ?? false, raters };
    const job = await runJob(session, startStudyReport(session, request), io, 'writing the study report', 'steps');
    const result = job.kind === REPORT_JOB.name ? job.result : undefined;
    if (job.state !== 'done' || !result) return jobFailed('study report', job, io);
    io.out(values.json ? JSON.stringify(result) + '\n' : `wrote ${result.path}\n`);
    return 0;
  } finally {
    await session.close();
  }
}

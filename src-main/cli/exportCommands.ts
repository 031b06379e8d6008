/** `affect-studio export` and `affect-studio import-labels`: labels out of and into a project. */
import fs from 'node:fs';
import path from 'node:path';
import { startExport, startLabelImport, type ExportRequest } from '../core/app/exports';
import { EXPORT_JOB, jobEnded, type JobSummary, LABEL_IMPORT_JOB } from '../core/app/jobs';
import { StudioError } from '../core/errors';
import type { JobId, VideoId } from '../core/ids';
import { parseSplitRatios } from '../core/io/datasetSplit';
import { readSubjectsFile } from '../core/io/datasetSubjects';
import { EXPORT_FORMATS, type ExportFormat } from '../core/io/exportLabels';
import { requireExportFolder } from '../core/io/exportTarget';
import type { ProjectSession } from '../core/studio/projectSession';
import { openSession } from './openSession';
import { personOption } from './personCommands';
import { rangeOption, UsageError, wholeOption, type CliIo, type Values } from './args';
import { counted } from '../core/counted';

export async function exportCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('export needs exactly one project folder');
  const format = values.format as ExportFormat | undefined;
  if (format === undefined || !EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.out === undefined) throw new UsageError('export needs --out (the file, or for afew-va, nova, elan and dataset the folder, to write)');
  const out = path.resolve(values.out);
  // Before any work (a dataset export crops every face first): the folder --out names must exist.
  requireExportFolder(path.dirname(out));
  const request: ExportRequest = {
    format,
    folder: path.dirname(out),
    name: path.basename(out),
    overwrite: values.force ?? false,
    videoId: videoOption(values),
    personId: personOption(values),
    ...(format === 'dataset' ? { dataset: datasetRequest(values) } : { annotator: singleAnnotator(values) }),
  };
  const session = await openSession(project, io);
  try {
    if (values.subjects !== undefined) request.dataset = { ...request.dataset, subjects: subjectsRecord(readSubjectsFile(session.db, path.resolve(values.subjects))) };
    const job = await runJob(session, await startExport(session, request), io, 'exporting', 'crops');
    const result = job.kind === EXPORT_JOB.name ? job.result : undefined;
    if (job.state !== 'done' || !result) return jobFailed('export', job, io);
    const dataset = result.dataset;
    if (values.json) io.out(JSON.stringify(dataset ? { ...dataset, files: result.files } : { files: result.files }) + '\n');
    else if (dataset) {
      const { folder, images, rows, splits } = dataset;
      io.out(`wrote ${folder}: ${images} face images, ${rows} label rows (train ${splits.train?.images}, val ${splits.val?.images}, test ${splits.test?.images} images)\n`);
    } else io.out(result.files.map((file) => `wrote ${file}\n`).join(''));
    return 0;
  } finally {
    await session.close();
  }
}

/** `export --format dataset`: several --annotator, --predictions, crop size and format, split and seed. */
function datasetRequest(values: Values): NonNullable<ExportRequest['dataset']> {
  const split = values.split === undefined ? undefined : parseSplitRatios(values.split);
  return {
    annotators: values.annotator,
    predictions: values.predictions ?? false,
    cropSize: values['crop-size'] === undefined ? undefined : wholeOption('--crop-size', values['crop-size']),
    imageFormat: imageFormatOption(values['image-format']),
    split: split && [split.train, split.val, split.test],
    seed: values.seed,
  };
}

function subjectsRecord(subjects: ReadonlyMap<VideoId, string>): Record<string, string> {
  return Object.fromEntries([...subjects].map(([id, subject]) => [String(id), subject]));
}

function imageFormatOption(text: string | undefined): 'png' | 'jpeg' | undefined {
  if (text === undefined) return undefined;
  const format = text.toLowerCase() === 'jpg' ? 'jpeg' : text.toLowerCase();
  if (format !== 'png' && format !== 'jpeg') throw new UsageError(`--image-format must be png or jpeg, not "${text}"`);
  return format;
}

export async function importLabelsCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, file, ...extra] = rest;
  if (project === undefined || file === undefined || extra.length > 0) throw new UsageError('import-labels needs a project folder and one file');
  // A folder can only be AFEW-VA's (its clip folders hold the JSONs).
  const format = values.format ?? (file.toLowerCase().endsWith('.json') || fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ? 'afew-va' : 'csv');
  if (format !== 'csv' && format !== 'afew-va') throw new UsageError(`--format must be csv or afew-va, not "${format}"`);
  // The call is checked whole before the project is opened.
  const raterKind = values['rater-kind'] ?? 'import';
  if (raterKind !== 'human' && raterKind !== 'import') throw new UsageError(`--rater-kind must be human or import, not "${raterKind}"`);
  const request = { file: path.resolve(file), format, range: rangeOption(values.range), annotator: singleAnnotator(values), videoId: videoOption(values), raterKind } as const;
  const session = await openSession(project, io);
  try {
    const job = await runJob(session, await startLabelImport(session, request), io, 'importing labels', 'steps');
    const result = job.kind === LABEL_IMPORT_JOB.name ? job.result : undefined;
    if (job.state !== 'done' || !result) return jobFailed('label import', job, io);
    io.out(
      values.json
        ? JSON.stringify(result) + '\n'
        : `imported ${counted(result.labels, 'label')} for ${result.annotators.join(', ') || 'no annotator'} on ${result.videoIds.length} video(s)\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}

/**
 * Waits for the job this command started (not for others the project has queued), printing its progress to
 * stderr when that is a terminal; Ctrl+C cancels it. Errors keep the one line the job stored.
 */
export async function runJob(session: ProjectSession, jobId: JobId, io: CliIo, doing: string, unit: string): Promise<JobSummary> {
  let lastLine = '';
  const stop = session.onJobUpdate((update) => {
    if (!io.stderrIsTty || update.jobId !== jobId || update.state !== 'running' || update.total <= 1) return;
    const line = `${doing}: ${Math.floor((100 * update.done) / update.total)}% (${update.done}/${update.total} ${unit})`;
    if (line !== lastLine) io.err(`${line}\n`);
    lastLine = line;
  });
  void io.untilStopped().then(() => session.jobs.cancel(jobId));
  try {
    return await jobEnded(session, jobId);
  } finally {
    stop();
  }
}

export function jobFailed(what: string, job: JobSummary, io: CliIo): number {
  if (job.state === 'failed' && job.error) throw new StudioError(job.error);
  io.err(`affect-studio: ${what} ${job.state}\n`);
  return 1;
}

export function videoOption(values: Values): VideoId | undefined {
  if (values.video === undefined) return undefined;
  const id = wholeOption('--video', values.video);
  if (id <= 0) throw new UsageError(`--video must be a video id (see "affect-studio videos"), not ${id}`);
  return id as VideoId;
}

function singleAnnotator(values: Values): string | undefined {
  const names = values.annotator ?? [];
  if (names.length > 1) throw new UsageError('give --annotator once here');
  return names[0];
}

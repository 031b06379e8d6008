/**
 * Use cases for getting labels out and in: start an export or a label import, and preview what a CSV's or an
 * AFEW-VA folder's import would do. Both run as jobs (progress, cancel, one at a time with the project's other
 * work); what can be refused at once is refused here, before anything is queued, so a typo in a folder is a
 * one-line error and not a failed job.
 */
import fs from 'node:fs';
import { StudioError } from '../errors';
import type { JobId, PersonId, VideoId } from '../ids';
import { checkExportRequest, EXPORT_JOB } from '../io/exportJob';
import type { ExportLedger } from '../io/exportLedger';
import { checkAfewVa, findAfewVaSources, mappedVideoIds, type AfewVaClipMapping } from '../io/afewVaImport';
import { AFEW_VA_LAYER, checkLabelFile } from '../io/labelImport';
import { LABEL_IMPORT_JOB } from '../io/labelImportJob';
import { firstIssue } from '../jobs/jobKinds';
import { resolveUserPath } from '../paths/userPath';
import { annotatorName } from '../store/annotatorStore';
import type { z } from 'zod';
import { chosenPerson } from './persons';
import { refreshRunsForExport } from './predictions';
import type { ProjectContext } from './projectContext';

export type ExportRequest = z.input<typeof EXPORT_JOB.params>;
export type LabelImportRequest = z.input<typeof LABEL_IMPORT_JOB.params>;

/**
 * Queues the export; the job's result names the files written (see core/io/exportJob.ts). One video is exported
 * for one person (the only one by default; with several, the request must name one); a whole project for every
 * coded person.
 */
export async function startExport(project: ProjectContext, request: ExportRequest): Promise<JobId> {
  const params = parseRequest(EXPORT_JOB.params, { ...request, folder: resolveUserPath(request.folder) });
  if (params.personId !== undefined && params.videoId === undefined) throw new StudioError('Cannot export: a person is a person of one video; name the video too.');
  if (params.videoId !== undefined) params.personId = (await chosenPerson(project, params.videoId, params.personId as PersonId | undefined)).personId;
  checkExportRequest(params, project.exportLedger);
  // Predicted rows come from model runs: bring the ones this export reads up to date first (labels may have changed).
  if (params.format !== 'dataset' || params.dataset?.predictions) {
    const annotators = params.annotator !== undefined ? [params.annotator] : params.dataset?.annotators;
    await refreshRunsForExport(project, { videoId: params.videoId as VideoId | undefined, personId: params.personId as PersonId | undefined, annotators });
  }
  // A read-only project can still be exported from: its export job is kept in memory (it is then not resumed).
  return project.jobs.enqueue(EXPORT_JOB, params, { inMemory: project.access.mode === 'read-only' });
}

/** Queues the label import; the job's result counts what was saved (see core/io/labelImportJob.ts). */
export async function startLabelImport(project: ProjectContext, request: LabelImportRequest): Promise<JobId> {
  const file = resolveUserPath(request.file);
  if (!fs.existsSync(file)) throw new StudioError(`${file} does not exist.`);
  return project.jobs.enqueue(LABEL_IMPORT_JOB, { ...request, file });
}

/** Rows the import dialog shows of a file, and errors listed at most (their count is always given). */
const PREVIEW_ROWS = 8;
const PREVIEW_ERRORS = 1000;

/**
 * What importing a labels CSV would do, with nothing saved: its first rows, the column mapping (the one given, else
 * the header's), the values' own range, the labels, raters and videos it holds, and every error that would refuse it.
 */
export async function previewLabelImport(project: ProjectContext, request: Omit<LabelImportRequest, 'format' | 'clips'>) {
  const file = resolveUserPath(request.file);
  const videos = await project.stores.videos.list();
  const persons = new Map(await Promise.all(videos.map(async (video) => [video.id, await project.stores.persons.list(video.id)] as const)));
  const check = checkLabelFile(file, videos, persons, { ...request, videoId: request.videoId as VideoId | undefined });
  const errors = check.problem !== null ? [check.problem] : check.errors;
  const names = new Map(videos.map((video) => [video.id, video.displayName]));
  return {
    file,
    separator: check.separator,
    decimalComma: check.decimalComma,
    header: check.header,
    rows: check.rows.slice(0, PREVIEW_ROWS),
    rowCount: check.rows.length,
    columns: check.columns,
    observed: check.observed,
    labels: check.labels.length,
    annotators: [...new Set(check.labels.map((label) => label.annotator))],
    videos: [...new Set(check.labels.map((label) => names.get(label.videoId) as string))],
    errors: errors.slice(0, PREVIEW_ERRORS),
    errorCount: errors.length,
  };
}

/**
 * What importing AFEW-VA clips would do, with nothing saved: each clip and the video it goes to, the first labels on
 * both scales, and every error that would refuse the import (the job runs the same check).
 */
export async function previewAfewVaImport(
  project: ProjectContext,
  request: { path: string; annotator?: string; clips?: readonly AfewVaClipMapping[] },
) {
  const chosen = resolveUserPath(request.path);
  const sources = findAfewVaSources(chosen);
  const videos = await project.stores.videos.list();
  const frames = new Map(await Promise.all(mappedVideoIds(sources, videos, request.clips).map(async (id) => [id, await project.stores.videos.frames(id)] as const)));
  const check = checkAfewVa(sources, { videos, frames: (id) => frames.get(id) ?? [] }, request.clips, PREVIEW_ROWS);
  return {
    path: chosen,
    clips: check.clips.map(({ clip, frames: count, videoId, matchedVideoId }) => ({ clip, frames: count, videoId, matchedVideoId })),
    rows: check.rows,
    labels: check.labels.length,
    annotator: request.annotator === undefined ? AFEW_VA_LAYER : annotatorName(request.annotator),
    errors: check.errors.slice(0, PREVIEW_ERRORS),
    errorCount: check.errors.length,
  };
}

/**
 * A file an export wrote (the ledger knows its path), which the desktop app may show in the file manager; any
 * other path is refused, so the window cannot use this to open folders it was never given.
 */
export function exportedFile(ledger: ExportLedger, file: string): string {
  if (!fs.existsSync(file)) throw new StudioError(`${file} no longer exists; it may have been moved or deleted.`);
  if (ledger.ownership([file]).get(file) === 'foreign') throw new StudioError(`${file} was not written by an Affect Studio export, so it is not shown.`);
  return file;
}

/** The request as its job will see it (defaults filled in); a wrong one is refused in one line, as on enqueue. */
function parseRequest<P>(schema: z.ZodType<P>, request: unknown): P {
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new StudioError(`Cannot export: ${firstIssue(parsed.error)}.`);
  return parsed.data;
}

/**
 * Use cases for getting labels out and in: start an export or a label import. Both run as jobs (progress,
 * cancel, one at a time with the project's other work); what can be refused at once is refused here, before
 * anything is queued, so a typo in a folder is a one-line error and not a failed job.
 */
import fs from 'node:fs';
import { StudioError } from '../errors';
import type { JobId, PersonId, VideoId } from '../ids';
import { checkExportRequest, EXPORT_JOB } from '../io/exportJob';
import { LABEL_IMPORT_JOB } from '../io/labelImportJob';
import { firstIssue } from '../jobs/jobKinds';
import { resolveUserPath } from '../paths/userPath';
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

/** The request as its job will see it (defaults filled in); a wrong one is refused in one line, as on enqueue. */
function parseRequest<P>(schema: z.ZodType<P>, request: unknown): P {
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new StudioError(`Cannot export: ${firstIssue(parsed.error)}.`);
  return parsed.data;
}

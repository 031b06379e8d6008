/**
 * The "export" job: every export format, from the API and the CLI alike, with progress and cancel. A dataset
 * export (minutes: it decodes and crops every labelled face) reports each crop and stops between two; the label
 * formats take milliseconds and run whole, as jobs only so that there is one way to export. Nothing partial is
 * ever left: folders are built in a temp folder named after the job (renamed into place at the end, removed on
 * cancel, and removed by the same job resumed after a kill), files are written atomically.
 */
import type { Db } from '../store/projectDb';
import { EXPORT_JOB, type JobParams, type JobResult } from '../jobs/jobKinds';
import type { JobHandler } from '../jobs/jobRunner';
import type { VideoId } from '../ids';
import { checkDatasetTarget, exportDataset } from './datasetExport';
import { exportLabels } from './exportLabels';
import type { ExportLedger } from './exportLedger';
import { checkReplaceable, resolveExportBase, type ExportTarget } from './exportTarget';

export { EXPORT_JOB };
export type ExportParams = JobParams<typeof EXPORT_JOB>;
export type ExportResult = JobResult<typeof EXPORT_JOB>;

/**
 * What can be refused before a job is queued, so it is a one-line answer and not a failed job: the chosen folder
 * must exist (an export never creates it), the name be a plain name and no link, and a single file may exist only
 * if it is the studio's own and overwriting was asked for. The job checks all again when it writes.
 */
export function checkExportRequest(params: ExportParams, ledger: ExportLedger): void {
  const target = exportTarget(params, ledger);
  const { base } = resolveExportBase(target);
  if (params.format === 'csv' || params.format === 'json') checkReplaceable(target, [base]);
  if (params.format === 'dataset') checkDatasetTarget(target);
}

function exportTarget(params: ExportParams, ledger: ExportLedger): ExportTarget {
  return { folder: params.folder, name: params.name, overwrite: params.overwrite, ledger };
}

export function exportJobHandler(db: Db, ledger: ExportLedger): JobHandler<ExportParams, never, ExportResult> {
  return async (params, context) => {
    const target = exportTarget(params, ledger);
    if (params.format !== 'dataset') {
      context.progress(0, 1, `Exporting ${params.name}`);
      const files = exportLabels(db, params.format, target, { videoId: params.videoId, personId: params.personId, annotator: params.annotator });
      context.progress(1, 1);
      return { files };
    }
    const dataset = params.dataset;
    const result = await exportDataset(db, target, {
      videoId: params.videoId,
      personId: params.personId,
      annotators: params.annotator !== undefined ? [params.annotator] : dataset?.annotators,
      predictions: dataset?.predictions,
      cropSize: dataset?.cropSize,
      imageFormat: dataset?.imageFormat,
      split: dataset?.split && { train: dataset.split[0], val: dataset.split[1], test: dataset.split[2] },
      seed: dataset?.seed,
      subjects: dataset?.subjects && new Map(Object.entries(dataset.subjects).map(([id, subject]) => [videoIdOf(id), subject])),
      signal: context.signal,
      onProgress: (done, total) => context.progress(done, total, `Cropping faces for ${params.name}`),
      tempTag: `job-${context.jobId}`,
    });
    const { folder, images, rows, splits, files } = result;
    return { files, dataset: { folder, images, rows, splits } };
  };
}

/** The subjects map's keys are video ids written as text (JSON object keys); the schema checked they are digits. */
function videoIdOf(key: string): VideoId {
  return Number(key) as VideoId;
}

/**
 * The "label-import" job: a labels file (CSV, AFEW-VA JSON) into the project, from the API and the CLI alike.
 * The file is read and checked first, then saved in one transaction; a cancel before that transaction saves
 * nothing, and once it has begun the file lands whole (labelImport.ts).
 */
import { setImmediate } from 'node:timers/promises';
import { LABEL_IMPORT_JOB, type JobParams, type JobResult } from '../jobs/jobKinds';
import type { JobHandler } from '../jobs/jobRunner';
import type { Db } from '../store/projectDb';
import { readLabels, saveLabels } from './labelImport';

export { LABEL_IMPORT_JOB };
export type LabelImportParams = JobParams<typeof LABEL_IMPORT_JOB>;
export type LabelImportJobResult = JobResult<typeof LABEL_IMPORT_JOB>;

export function labelImportJobHandler(db: Db): JobHandler<LabelImportParams, never, LabelImportJobResult> {
  return async (params, context) => {
    context.progress(0, 1, 'Checking the labels file');
    const pending = readLabels(db, params.file, params);
    // Reading a large file holds the loop: let a cancel that arrived meanwhile be seen before anything is saved.
    await setImmediate();
    context.signal.throwIfAborted();
    const result = saveLabels(db, pending);
    context.progress(1, 1);
    return result;
  };
}

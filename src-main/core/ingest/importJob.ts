/**
 * The "import" job: brings videos, frame folders and AFEW-VA clips into a project. Each path is one chunk:
 * a path either lands whole (frames indexed, thumbnails made, labels imported) or leaves nothing behind, and
 * a killed import resumes at the path it was on. One bad file does not stop the others; each gets its reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { StudioError } from '../errors';
import type { JobId, VideoId } from '../ids';
import { IMPORT_JOB, type ImportOutcome, type JobParams } from '../jobs/jobKinds';
import { jobResult, type JobContext, type JobHandler, type JobRunner } from '../jobs/jobRunner';
import type { JobRecord } from '../store/jobStore';
import { resolveUserPath } from '../paths/userPath';
import type { Db } from '../store/projectDb';
import { importFrameFolder, importVideoFile, surveyPath, type ImportedItem, type PathSurvey } from './importMedia';

export { IMPORT_JOB, type ImportOutcome };

type ImportParams = JobParams<typeof IMPORT_JOB>;
type ImportCheckpoint = z.output<typeof IMPORT_JOB.checkpoint>;
type ImportResult = z.output<typeof IMPORT_JOB.result>;

/** Checks paths before a job is queued, so a typo is reported at once and nothing is queued. */
export function checkImportPaths(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new StudioError('Nothing to import: no file or folder was given.');
  const resolved = paths.map((p) => resolveUserPath(p));
  const missing = resolved.filter((p) => !fs.existsSync(p));
  if (missing.length > 0) throw new StudioError(`Cannot import: ${missing.join(', ')} does not exist.`);
  return resolved;
}

/**
 * An unfinished import of exactly these paths, if any: typically one interrupted by a kill and resumed when the
 * project was opened again. Asking for the same import again should finish that one, not start a second that
 * would find its videos "already in this project".
 */
export function findUnfinishedImport(jobs: JobRunner, paths: readonly string[]): JobId | undefined {
  const wanted = JSON.stringify(paths);
  return jobs.list().find((job) => {
    if (job.kind !== IMPORT_JOB.name || (job.state !== 'queued' && job.state !== 'running')) return false;
    const params = IMPORT_JOB.params.safeParse(job.params);
    return params.success && JSON.stringify(params.data.paths) === wanted;
  })?.id;
}

/** What an import writes to: the project's database and its cache folder (thumbnail strips). */
interface ImportTarget {
  readonly db: Db;
  readonly cacheDir: string;
}

/** The outcome of each path of a finished import (none while it runs, or if it failed as a whole). */
export function importOutcomes(job: JobRecord | undefined): ImportOutcome[] {
  return jobResult(IMPORT_JOB, job)?.outcomes ?? [];
}

/** `onImported` runs inside the transaction that commits each new video (the composition root wires workflows). */
export function importJobHandler(session: ImportTarget, onImported: (videoId: VideoId, params: ImportParams) => void = () => undefined): JobHandler<ImportParams, ImportCheckpoint, ImportResult> {
  return async (params, context) => {
    const { paths } = params;
    const saved = context.checkpoint;
    const outcomes = saved?.outcomes ?? [];
    const first = saved?.next ?? 0;
    // Only the paths still to do: a resumed import does not probe again the files it already imported.
    const surveys = await Promise.all(paths.slice(first).map((p) => surveyPath(p)));
    const estimates = surveys.map((survey) => survey.estimatedFrames);
    let doneBefore = outcomes.reduce((sum, outcome) => sum + (outcome.frames ?? 0), 0);
    const total = estimates.reduce((sum, n) => sum + n, doneBefore);

    for (let i = first; i < paths.length; i++) {
      const item = paths[i] as string;
      const onFrames = (n: number) => context.progress(Math.min(total, doneBefore + n), total, `Importing ${path.basename(item)}`);
      // Saved in the transaction that commits the item, so a kill cannot leave it imported but still to do.
      const onCommit = (outcome: ImportOutcome, videoId: VideoId) => {
        context.saveCheckpoint({ next: i + 1, outcomes: [...outcomes, outcome] });
        onImported(videoId, params);
      };
      const outcome = await importOne(session, item, surveys[i - first] as PathSurvey, context, onFrames, onCommit);
      outcomes.push(outcome);
      doneBefore += estimates[i - first] as number;
      // A failed item commits nothing, so nothing saved its checkpoint: save it here.
      if (outcome.error !== undefined) context.saveCheckpoint({ next: i + 1, outcomes });
      context.progress(doneBefore, total);
    }
    return { outcomes };
  };
}

async function importOne(
  session: ImportTarget,
  item: string,
  survey: PathSurvey,
  context: JobContext<ImportCheckpoint>,
  onFrames: (n: number) => void,
  onCommit: (outcome: ImportOutcome, videoId: VideoId) => void,
): Promise<ImportOutcome> {
  try {
    const options = { db: session.db, cacheDir: session.cacheDir, signal: context.signal, onFrames, onCommit: (imported: ImportedItem) => onCommit({ path: item, ...imported }, imported.videoId) };
    const imported = survey.probe === null ? await importFrameFolder(item, options) : await importVideoFile(item, await survey.probe, options);
    return { path: item, ...imported };
  } catch (error) {
    // Cancelling or closing the project is not a property of this file: let the runner handle it.
    if (context.signal.aborted) throw error;
    if (error instanceof StudioError) return { path: item, error: error.message };
    return { path: item, error: `${path.basename(item)} could not be imported: ${(error as Error).message}` };
  }
}

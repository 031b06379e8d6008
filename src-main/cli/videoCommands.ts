/** `affect-studio import` and `affect-studio videos`: the project's media from the command line. */
import path from 'node:path';
import { listVideos, requestImport } from '../core/app/videos';
import { importSummary } from '../core/ingest/importSummary';
import { analysesOf, ANALYZE_JOB, importOutcomes, jobResult } from '../core/app/jobs';
import { openSession } from './openSession';
import { UsageError, type CliIo, type Values } from './args';
import { counted } from '../core/counted';

export async function importCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...paths] = rest;
  if (project === undefined || paths.length === 0) throw new UsageError('import needs a project and at least one file or folder');
  const targets = paths.map((p) => path.resolve(p));
  let lastLine = '';
  const session = await openSession(project, io, (update) => {
    if (values.json || update.state !== 'running' || update.total === 0) return;
    const doing = update.kind === ANALYZE_JOB.name ? 'analysing faces' : 'importing';
    const line = `${doing}: ${Math.floor((100 * update.done) / update.total)}% (${update.done}/${update.total} frames)`;
    if (line !== lastLine) io.err(`${line}\n`);
    lastLine = line;
  });
  try {
    // The same command run again after it was killed finishes the interrupted import instead of starting anew.
    const jobId = await requestImport(session, targets, !(values['no-analyze'] ?? false));
    void io.untilStopped().then(() => session.jobs.cancel(jobId));
    await session.jobs.ended(jobId);
    const job = session.jobs.get(jobId);
    const outcomes = importOutcomes(job);
    // The import queued one face analysis per new video (core/jobs/analyzeAfterImport.ts): run them now, as the
    // studio would, so the project is ready when the command returns; Ctrl+C cancels them too.
    const analyses = analysesOf(session, outcomes.flatMap((o) => (o.videoId === undefined ? [] : [o.videoId])));
    if (analyses.length > 0) {
      if (!values.json) io.err(`queued face analysis of ${analyses.length} new video(s) (skip it with --no-analyze)\n`);
      void io.untilStopped().then(() => analyses.forEach((id) => session.jobs.cancel(id)));
      await Promise.all(analyses.map((id) => session.jobs.ended(id)));
    }
    const analysed = analyses.map((id) => session.jobs.get(id));
    if (values.json) {
      io.out(JSON.stringify({ state: job?.state, outcomes, analyses: analysed.map((a) => ({ state: a?.state, error: a?.error ?? null, ...jobResult(ANALYZE_JOB, a) })) }) + '\n');
    }
    else {
      for (const outcome of outcomes) {
        const warning = outcome.warning ? `; warning: ${outcome.warning}` : '';
        io.out(outcome.error ? `failed   ${outcome.path}: ${outcome.error}\n` : `imported ${outcome.path}: ${outcome.frames} frames${outcome.labels ? `, ${counted(outcome.labels, 'label')}` : ''}${warning}\n`);
      }
      for (const a of analysed) {
        const r = jobResult(ANALYZE_JOB, a);
        io.err(r ? `analysed video ${r.videoId}: faces on ${r.facesFound}/${r.frames} frames\n` : `face analysis ${a?.state ?? 'lost'}${a?.error ? `: ${a.error}` : ''}\n`);
      }
      // Where the progress lines went, last: stdout stays one line per path for scripts.
      if (job?.state === 'done') io.err(`${importSummary(outcomes)}\n`);
    }
    if (job?.state !== 'done') {
      io.err(`affect-studio: import ${job?.state ?? 'lost'}${job?.error ? `: ${job.error}` : ''}\n`);
      return 1;
    }
    return outcomes.some((outcome) => outcome.error) || analysed.some((a) => a?.state !== 'done') ? 1 : 0;
  } finally {
    await session.close();
  }
}

export async function videosCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('videos needs exactly one project folder');
  const session = await openSession(project, io);
  try {
    const videos = (await listVideos(session)).map((video) => ({
      id: video.id,
      path: video.path,
      kind: video.kind,
      frames: video.frameCount,
      fps: video.avgFps,
      duration: video.durationSec,
      width: video.width,
      height: video.height,
      codec: video.codec,
      status: video.missing ? 'missing' : video.status,
      warning: video.warning,
    }));
    if (values.json) io.out(JSON.stringify(videos) + '\n');
    else for (const v of videos) io.out(`${v.id}\t${v.status}\t${v.frames} frames\t${v.width}x${v.height}\t${v.codec ?? ''}\t${v.path}${v.warning ? `\twarning: ${v.warning}` : ''}\n`);
    return 0;
  } finally {
    await session.close();
  }
}

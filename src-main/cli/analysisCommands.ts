/** `affect-studio analyze` and `affect-studio faces`: the face analysis from the command line. */
import { faces, requestAnalysis } from '../core/app/analysis';
import { ANALYZE_JOB, jobResult } from '../core/app/jobs';
import { openSession } from './openSession';
import { UsageError, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';

export async function analyzeCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('analyze needs exactly one project folder (and optionally --video ID)');
  const only = videoOption(values);
  let lastLine = '';
  const session = await openSession(project, io, (update) => {
    if (values.json || update.kind !== ANALYZE_JOB.name || update.state !== 'running' || update.total === 0) return;
    const line = `analysing: ${Math.floor((100 * update.done) / update.total)}% (${update.done}/${update.total} frames)`;
    if (line !== lastLine) io.err(`${line}\n`);
    lastLine = line;
  });
  try {
    const jobs = await requestAnalysis(session, only);
    void io.untilStopped().then(() => jobs.forEach((id) => session.jobs.cancel(id)));
    await session.jobs.idle();
    const outcomes = jobs.map((id) => session.jobs.get(id));
    if (values.json) {
      io.out(JSON.stringify(outcomes.map((job) => ({ state: job?.state, error: job?.error ?? null, ...(jobResult(ANALYZE_JOB, job) ?? {}) }))) + '\n');
    } else {
      for (const job of outcomes) {
        const r = jobResult(ANALYZE_JOB, job);
        io.out(r && job?.state === 'done'
          ? `video ${r.videoId}: ${r.facesFound}/${r.frames} frames with a face, ${r.tracks} face tracks linked into ${r.persons} persons, detector on ${r.detectorRuns} frames, on ${r.provider}\n`
          : `failed: ${job?.state ?? 'lost'}${job?.error ? `: ${job.error}` : ''}\n`);
      }
    }
    return outcomes.every((job) => job?.state === 'done') ? 0 : 1;
  } finally {
    await session.close();
  }
}

export async function facesCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  const videoId = videoOption(values);
  if (project === undefined || extra.length > 0 || videoId === undefined) throw new UsageError('faces needs a project folder and --video ID');
  const session = await openSession(project, io);
  try {
    const result = await faces(session, videoId);
    if (values.json) io.out(JSON.stringify(result.frames) + '\n');
    else {
      for (const f of result.frames) {
        io.out(f.face && f.box
          ? `${f.frameIndex}\tface\ttrack ${f.track}\t${f.box.x.toFixed(1)},${f.box.y.toFixed(1)} ${f.box.w.toFixed(1)}x${f.box.h.toFixed(1)}\t${f.score?.toFixed(3)}\n`
          : `${f.frameIndex}\tnone\n`);
      }
      if (result.frames.length < result.frameCount) io.out(`(${result.frameCount - result.frames.length} frames not analysed yet)\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}

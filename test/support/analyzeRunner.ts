/**
 * Runs the analyze job on one video of an existing project and prints "progress <done>" on each update, for the
 * resume test to kill at a known point. Usage: analyzeRunner.ts <project> <videoId>
 */
import { ANALYZE_JOB } from '../../src-main/core/analysis/analyzeJob';
import { ProjectSession } from '../../src-main/core/studio/projectSession';

const [project, videoId] = process.argv.slice(2);
const session = ProjectSession.open(project as string, (update) => {
  if (update.kind === ANALYZE_JOB.name && update.state === 'running') process.stdout.write(`progress ${update.done}\n`);
});
session.jobs.enqueue(ANALYZE_JOB, { videoId: Number(videoId) });
void session.jobs.idle().then(() => session.close());

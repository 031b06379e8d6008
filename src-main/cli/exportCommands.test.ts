/**
 * `affect-studio export` runs the export job and waits for it: progress lines on stderr when stderr is a terminal
 * and none otherwise (a log or a pipe stays clean), the result on stdout either way.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/labelProject';
import { testVideo } from '../../test/support/testMedia';
import type { VideoId } from '../core/ids';
import { IMPORT_JOB } from '../core/ingest/importJob';
import { ensureAnnotator } from '../core/store/annotatorStore';
import { appendLabels } from '../core/store/labelStore';
import { createProject } from '../core/store/projectFolder';
import { listVideos } from '../core/store/videoStore';
import { ProjectSession } from '../core/studio/projectSession';
import { runCli } from './main';
import { FIRST_PERSON } from '../core/store/personStore';

let project: string;
const home = tempDir('affect-export-cli-home-');

async function cli(stderrIsTty: boolean, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), env: { ...process.env, AFFECT_STUDIO_HOME: home }, stderrIsTty, untilStopped: () => new Promise(() => undefined) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  project = path.join(tempDir('affect-export-cli-'), 'p');
  createProject(project);
  const session = ProjectSession.open(project);
  session.jobs.enqueue(IMPORT_JOB, { paths: [testVideo('single_face.mp4')], analyze: true });
  await session.jobs.idle();
  const [video] = listVideos(session.db);
  const ana = ensureAnnotator(session.db, 'Ana', 'human').id;
  appendLabels(session.db, Array.from({ length: 30 }, (_, frameIndex) => ({ videoId: video?.id as VideoId, personId: FIRST_PERSON, frameIndex, annotatorId: ana, valence: 0.2, arousal: 0.1, origin: 'manual' as const })));
  await session.close();
}, 180_000);

describe('affect-studio export runs the export job', () => {
  it('prints the crops done on a terminal, and the folder it wrote', { timeout: 120_000 }, async () => {
    const out = path.join(tempDir(), 'set');
    const { code, stdout, stderr } = await cli(true, 'export', project, '--format', 'dataset', '--out', out, '--crop-size', '32');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^exporting: \d+% \(\d+\/30 crops\)$/m);
    expect(stdout).toMatch(/^wrote .*set: 30 face images, 30 label rows/);
  });

  it('prints no progress when stderr is not a terminal', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await cli(false, 'export', project, '--format', 'dataset', '--out', path.join(tempDir(), 'set'), '--crop-size', '32');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^wrote .*set: 30 face images/);
  });

  it('says in one line why an export failed, with exit 1', async () => {
    const { code, stderr } = await cli(false, 'export', project, '--format', 'dataset', '--out', path.join(tempDir(), 'set'), '--annotator', 'Nobody');
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^affect-studio: .*Nobody/);
  });
});

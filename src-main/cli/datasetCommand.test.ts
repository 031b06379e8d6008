/**
 * `affect-studio export --format dataset` and the API's `exports.write` with format `dataset`, on single_face.mp4
 * imported and analysed here, labelled by two synthetic annotators. The export itself is tested in
 * core/io/datasetExport.test.ts; this checks the options and refusals of the two front ends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/labelProject';
import { API_VERSION } from '../api/contract';
import { createStudioApi } from '../api/studioApi';
import { apiCaller } from '../../test/support/apiCall';
import { jobResultOf } from '../../test/support/apiJobs';
import { ANALYZE_JOB } from '../core/analysis/analyzeJob';
import { IMPORT_JOB } from '../core/ingest/importJob';
import { ensureAnnotator } from '../core/store/annotatorStore';
import { appendLabels } from '../core/store/labelStore';
import { createProject } from '../core/store/projectFolder';
import { ProjectSession } from '../core/studio/projectSession';
import { listVideos } from '../core/store/videoStore';
import { runCli } from './main';
import { testVideo } from '../../test/support/testMedia';
import { FIRST_PERSON } from '../core/store/personStore';

const VIDEO = testVideo('single_face.mp4');

let project: string;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const head = fs.readFileSync(file).subarray(0, 24);
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** One studio settings folder for every command here, as on a user's machine: it remembers what exports wrote. */
const STUDIO_HOME = tempDir();

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const env = { ...process.env, AFFECT_STUDIO_HOME: STUDIO_HOME };
  const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), env, untilStopped: () => new Promise(() => undefined) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  project = path.join(tempDir('affect-cli-dataset-'), 'study');
  createProject(project);
  const session = ProjectSession.open(project);
  try {
    session.jobs.enqueue(IMPORT_JOB, { paths: [VIDEO] });
    await session.jobs.idle();
    const video = listVideos(session.db)[0];
    if (!video) throw new Error('import failed');
    session.jobs.enqueue(ANALYZE_JOB, { videoId: video.id });
    await session.jobs.idle();
    const frames = (n: number, step: number, annotatorId: number) =>
      Array.from({ length: n }, (_, i) => ({ videoId: video.id, personId: FIRST_PERSON, frameIndex: i * step, annotatorId: annotatorId as never, valence: 0.1, arousal: -0.2, origin: 'manual' as const }));
    appendLabels(session.db, [...frames(18, 4, ensureAnnotator(session.db, 'Ana', 'human').id), ...frames(12, 6, ensureAnnotator(session.db, 'Ben', 'human').id)]);
  } finally {
    await session.close();
  }
}, 120_000);

describe('dataset export from the CLI and the API', () => {
  it('affect-studio export --format dataset with its options, refusing to overwrite without --force', async () => {
    const out = path.join(tempDir(), 'ben-set');
    const args = ['export', project, '--format', 'dataset', '--out', out, '--annotator', 'Ben', '--crop-size', '48', '--image-format', 'jpg', '--split', '80,10,10', '--seed', '3'];
    const first = await cli(...args, '--json');
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { folder: string; images: number; rows: number; files: string[] };
    expect(summary).toMatchObject({ folder: fs.realpathSync(out), images: 12, rows: 12 });
    expect(summary.files.filter((f) => f.endsWith('.jpg'))).toHaveLength(12);
    const refused = await cli(...args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists/);
    const forced = await cli(...args, '--force');
    expect(forced.stdout).toMatch(/^wrote .*ben-set: 12 face images, 12 label rows \(train 12, val 0, test 0 images\)/);
    expect((await cli(...args, '--force', '--image-format', 'gif')).code).toBe(2);
    expect((await cli(...args, '--force', '--split', '80,20')).stderr).toMatch(/three non-negative shares/);
  }, 60_000);

  it('exports.write with format dataset', async () => {
    const api = createStudioApi({ mode: 'browser', configDir: tempDir() });
    try {
      const folder = tempDir();
      const params = { format: 'dataset', folder, name: 'api-set', annotator: 'Ana', dataset: { cropSize: 40, split: [1, 1, 1], seed: 'x' } };
      const { files } = await jobResultOf<{ files: string[] }>(apiCaller(api), project, 'exports.write', params);
      expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(18);
      expect(pngSize(files.find((f) => f.endsWith('.png')) as string)).toMatchObject({ width: 40, height: 40 });
      const again = await api.dispatch({ v: API_VERSION, id: 2, method: 'exports.write', params: { project, ...params } });
      expect(again.ok ? '' : again.error.message).toMatch(/already exists/);
    } finally {
      await api.close();
    }
  }, 60_000);
});

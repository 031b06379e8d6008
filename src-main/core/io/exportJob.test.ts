/**
 * Exports and label imports as jobs: progress, a typed result, cancel that leaves nothing behind (no partial
 * folder, no saved label), and an export killed mid-way that finishes cleanly when the project is reopened.
 * Real project file, the real ffmpeg and face analysis on a made clip, a real child process killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVideo, tempDir } from '../../../test/support/labelProject';
import { testVideo } from '../../../test/support/testMedia';
import { startExport, startLabelImport } from '../app/exports';
import { jobEnded } from '../app/jobs';
import type { JobId, VideoId } from '../ids';
import { IMPORT_JOB } from '../ingest/importJob';
import type { JobUpdate } from '../jobs/jobRunner';
import { ensureAnnotator, listAnnotators } from '../store/annotatorStore';
import { appendLabels, currentLabels } from '../store/labelStore';
import { createProject } from '../store/projectFolder';
import { listVideos } from '../store/videoStore';
import { ProjectSession } from '../studio/projectSession';
import { ExportLedger } from './exportLedger';
import { FIRST_PERSON } from '../store/personStore';

const RUNNER = path.join(__dirname, '..', '..', '..', 'test', 'support', 'exportRunner.ts');
const home = tempDir('affect-export-home-');
let dir: string;
let session: ProjectSession;
const updates: JobUpdate[] = [];

function open(): ProjectSession {
  return ProjectSession.open(dir, { onJobUpdate: (update) => updates.push(update), exportLedger: new ExportLedger(home) });
}

/** What a folder holds, hidden temp folders included. */
const entries = (folder: string) => fs.readdirSync(folder).sort();

beforeAll(async () => {
  dir = path.join(tempDir('affect-export-job-'), 'p');
  createProject(dir);
  session = open();
  session.jobs.enqueue(IMPORT_JOB, { paths: [testVideo('single_face.mp4')], analyze: true });
  await session.jobs.idle();
  const [video] = listVideos(session.db);
  const ana = ensureAnnotator(session.db, 'Ana', 'human').id;
  // Every frame of the clip has the face: one crop per labelled frame.
  appendLabels(session.db, Array.from({ length: 40 }, (_, frameIndex) => ({ videoId: video?.id as VideoId, personId: FIRST_PERSON, frameIndex, annotatorId: ana, valence: frameIndex / 50, arousal: 0.1, origin: 'manual' as const })));
}, 180_000);

afterAll(() => session.close());

describe('dataset export as a job', () => {
  it('reports each crop and names the files written', { timeout: 120_000 }, async () => {
    const folder = tempDir();
    const id = await startExport(session, { format: 'dataset', folder, name: 'set', dataset: { cropSize: 64 } });
    const job = await jobEnded(session, id);
    expect(job.kind === 'export' && job.result?.dataset).toMatchObject({ folder: path.join(fs.realpathSync(folder), 'set'), images: 40, rows: 40 });
    expect(job.kind === 'export' && job.result?.files.filter((f) => f.endsWith('.png'))).toHaveLength(40);
    const progress = updates.filter((u) => u.jobId === id && u.state === 'running' && u.total > 0);
    expect(progress.at(-1)).toMatchObject({ done: 40, total: 40 });
    expect(progress.some((u) => u.done > 0 && u.done < 40)).toBe(true);
    expect(entries(folder)).toEqual(['set']);
  });

  it('cancelled mid-way, leaves no folder and no temp folder behind', { timeout: 120_000 }, async () => {
    const folder = tempDir();
    let cancelledAt = -1;
    const stop = session.onJobUpdate((update) => {
      if (update.kind !== 'export' || update.state !== 'running' || update.done < 1 || cancelledAt >= 0) return;
      // Crops are being written into the export's temp folder now.
      expect(entries(folder)).toEqual([`.cancelled.job-${update.jobId}.tmp`]);
      cancelledAt = update.done;
      session.jobs.cancel(update.jobId);
    });
    const id = await startExport(session, { format: 'dataset', folder, name: 'cancelled', dataset: { cropSize: 64 } });
    const job = await jobEnded(session, id);
    stop();
    expect(cancelledAt).toBeGreaterThan(0);
    expect(job.state).toBe('cancelled');
    expect(entries(folder)).toEqual([]);
  });

  it('killed mid-way, is resumed when the project is opened again and then writes the whole folder', { timeout: 180_000 }, async () => {
    const folder = tempDir();
    await session.close();
    const jobId = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, dir, folder, 'killed'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AFFECT_STUDIO_HOME: home } });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const stopped = /stopped (\S+)/.exec(out);
        if (stopped) {
          child.kill('SIGKILL');
          resolve(stopped[1] as string);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.once('exit', (code, signal) => signal !== 'SIGKILL' && reject(new Error(`runner exited with ${code}: ${err}`)));
    });
    // What a kill leaves: the job still running, its crops so far in its temp folder, nothing at the target.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const leftover = `.killed.job-${jobId}.tmp`;
    expect(entries(folder)).toEqual([leftover]);

    session = open();
    const job = await jobEnded(session, jobId as JobId);
    expect(job.state).toBe('done');
    expect(job.kind === 'export' && job.result?.dataset).toMatchObject({ images: 40, rows: 40 });
    expect(entries(folder)).toEqual(['killed']);
    expect(fs.readdirSync(path.join(folder, 'killed')).sort()).toEqual(['README.md', 'dataset.json', 'images', 'labels.csv']);
  });
});

describe('label import as a job', () => {
  let project: ProjectSession;
  let csv: string;
  let videoId: VideoId;

  beforeAll(() => {
    const projectDir = path.join(tempDir(), 'labels');
    createProject(projectDir);
    project = ProjectSession.open(projectDir);
    videoId = addVideo(project, 'clip.mp4', 2000);
    csv = path.join(tempDir(), 'many.csv');
    fs.writeFileSync(csv, ['video,frame,valence,arousal,annotator', ...Array.from({ length: 2000 }, (_, i) => `clip.mp4,${i},0.5,-0.25,Imported`)].join('\n'));
  });

  afterAll(() => project.close());

  it('cancelled once it has started, saves nothing: no label and no annotator', async () => {
    // The job starts within startLabelImport (nothing else is queued), before its id is returned.
    const stop = project.onJobUpdate((update) => {
      if (update.kind === 'label-import' && update.state === 'running') project.jobs.cancel(update.jobId);
    });
    const id = await startLabelImport(project, { file: csv, format: 'csv' });
    const job = await jobEnded(project, id);
    stop();
    expect(job.state).toBe('cancelled');
    expect(currentLabels(project.db, videoId)).toEqual([]);
    expect(listAnnotators(project.db)).toEqual([]);
  });

  it('imports the whole file with a typed result', async () => {
    const job = await jobEnded(project, await startLabelImport(project, { file: csv, format: 'csv' }));
    expect(job.kind === 'label-import' && job.result).toEqual({ labels: 2000, annotators: ['Imported'], videoIds: [videoId] });
    expect(currentLabels(project.db, videoId)).toHaveLength(2000);
  });

  it('refuses a missing file at once, queuing nothing', async () => {
    const before = project.jobs.list().length;
    await expect(startLabelImport(project, { file: path.join(tempDir(), 'none.csv'), format: 'csv' })).rejects.toThrow(/none\.csv does not exist\.$/);
    expect(project.jobs.list()).toHaveLength(before);
  });
});

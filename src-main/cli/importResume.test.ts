/**
 * A killed `affect-studio import` run again: the real launcher in child processes, SIGKILLed while it indexes a
 * longer video made here with the bundled ffmpeg; the same command again must finish the import and succeed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/labelProject';
import { countDecodedFrames, makeTestVideo } from '../../test/support/testMedia';
import { runToEnd } from '../../test/support/processes';

const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');
const home = tempDir('affect-resume-home-');
const env = { ...process.env, AFFECT_STUDIO_HOME: home };

let long: string;
let short: string;

async function cli(args: string[]) {
  const result = await runToEnd(process.execPath, [BIN, ...args], { env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the import and SIGKILLs it as soon as it reports indexing progress. */
async function killedImport(project: string, files: string[]): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'import', project, ...files, '--no-analyze'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.setEncoding('utf8');
  let stderr = '';
  child.stderr.on('data', (text: string) => {
    stderr += text;
    if (/importing: \d+%/.test(stderr)) child.kill('SIGKILL');
  });
  const [code, signal] = (await new Promise((resolve) => child.once('close', (...exit) => resolve(exit)))) as [number | null, NodeJS.Signals | null];
  expect({ code, signal, stderr }).toMatchObject({ code: null, signal: 'SIGKILL' });
}

function jobStates(project: string): string[] {
  const db = new Database(path.join(project, 'project.sqlite'), { readonly: true });
  try {
    return (db.prepare(`SELECT state FROM jobs WHERE kind = 'import' ORDER BY created_at`).all() as { state: string }[]).map((row) => row.state);
  } finally {
    db.close();
  }
}

beforeAll(() => {
  const media = tempDir('affect-resume-media-');
  long = makeTestVideo(path.join(media, 'session-long.mp4'), 90);
  short = makeTestVideo(path.join(media, 'session-short.mp4'), 2);
}, 120_000);

describe('rerunning a killed import', () => {
  it('resumes the interrupted import and reports success, not "already in this project"', async () => {
    const project = path.join(tempDir('affect-resume-'), 'study');
    expect((await cli(['project', 'create', project])).code).toBe(0);

    await killedImport(project, [long, short]);
    // Killed mid-job: the import is still marked running, to be resumed.
    expect(jobStates(project)).toEqual(['running']);

    const again = await cli(['import', project, long, short, '--no-analyze']);
    expect(again.stderr).not.toMatch(/already in this project/);
    expect(again.stdout).toBe(`imported ${long}: ${countDecodedFrames(long)} frames\nimported ${short}: ${countDecodedFrames(short)} frames\n`);
    expect(again.code).toBe(0);
    expect(jobStates(project)).toEqual(['done']);

    const videos = JSON.parse((await cli(['videos', project, '--json'])).stdout) as { path: string; status: string; frames: number }[];
    expect(videos.map((v) => [v.path, v.status, v.frames])).toEqual([
      [long, 'ready', countDecodedFrames(long)],
      [short, 'ready', countDecodedFrames(short)],
    ]);
  }, 180_000);

  it('still refuses a video that a finished import already brought in', async () => {
    const project = path.join(tempDir('affect-resume-'), 'study');
    expect((await cli(['project', 'create', project])).code).toBe(0);
    expect((await cli(['import', project, short, '--no-analyze'])).code).toBe(0);
    const twice = await cli(['import', project, short, '--no-analyze']);
    expect(twice.code).toBe(1);
    expect(twice.stdout).toBe(`failed   ${short}: session-short.mp4 is already in this project (as "session-short.mp4").\n`);
  }, 60_000);
});

/**
 * Losing a label is the worst bug this studio can have. A child process appends labels and is killed with
 * SIGKILL at random moments; after every kill the project must open, pass integrity_check, and hold every
 * label the writer had been told was saved.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAnnotator } from './annotatorStore';
import { createProject, PROJECT_DB_FILE } from './projectFolder';
import { openProjectDb } from './projectDb';
import { completeVideoIndex, insertIndexingVideo } from './videoStore';

const WRITER = path.join(__dirname, '..', '..', '..', 'test', 'support', 'labelWriter.ts');
const ROUNDS = 25;
const FRAMES = 2000;

function runUntilKilled(args: string[], killAfterMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Start the clock once the writer is past start-up, so every kill lands while it is writing.
      if (!armed) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(out);
      else reject(new Error(`writer exited with ${code}: ${err}`));
    });
  });
}

describe('labels survive a killed process', () => {
  it(`keeps every label reported as saved across ${ROUNDS} SIGKILLs`, { timeout: 180_000 }, async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-crash-')), 'p');
    createProject(dir);
    const file = path.join(dir, PROJECT_DB_FILE);
    const setup = openProjectDb(file, { create: false });
    const videoId = insertIndexingVideo(setup, {
      kind: 'video', path: '/videos/a.mp4', displayName: 'a.mp4', contentHash: 'h', sizeBytes: 1,
      codec: 'h264', width: 2, height: 2, avgFps: 25,
    });
    completeVideoIndex(setup, videoId, Array.from({ length: FRAMES }, (_, i) => ({ frameIndex: i, ptsSec: i / 25 })));
    const annotator = ensureAnnotator(setup, 'crash-tester', 'human');
    setup.close();

    const promised = new Map<number, string>();
    for (let round = 0; round < ROUNDS; round++) {
      const out = await runUntilKilled([file, String(videoId), String(annotator.id), String(FRAMES), String(round + 1)], (round * 37) % 300);
      // Only complete lines were promised; a torn last line was never acknowledged.
      for (const line of out.split('\n').slice(0, -1)) {
        const [id, ...value] = line.split(' ');
        promised.set(Number(id), value.join(' '));
      }

      const db = openProjectDb(file, { create: false });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Map(
        (db.prepare('SELECT id, frame_index, valence, arousal FROM labels').all() as { id: number; frame_index: number; valence: number; arousal: number }[]).map(
          (row) => [row.id, `${row.frame_index} ${row.valence} ${row.arousal}`],
        ),
      );
      db.close();
      const lost = [...promised].filter(([id, value]) => stored.get(id) !== value);
      expect(lost, `round ${round}: labels reported saved but missing or changed`).toEqual([]);
    }
    expect(promised.size).toBeGreaterThan(ROUNDS);
  });
});

/**
 * Ingest speed: the import job (probe + hash + one decode that indexes frames and tiles the thumbnail strip) on
 * each shared video into a fresh project, next to ffmpeg's own decode-only rate on the same file in the same run.
 * The ratio is the figure: importToDecodeRatio is import time / decode-only time (2 = half the decode-only rate).
 * Usage: npm run bench -- ingest [video ...]   (default: every file in ../shared/data/videos)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMPORT_JOB } from '../src-main/core/ingest/importJob';
import { resolveFfmpegPaths } from '../src-main/core/media/ffmpegPaths';
import { createProject } from '../src-main/core/store/projectFolder';
import { ProjectSession } from '../src-main/core/studio/projectSession';
import { listVideos } from '../src-main/core/store/videoStore';

const DATA = path.join(__dirname, '..', '..', 'shared', 'data', 'videos');
const files = process.argv.length > 2 ? process.argv.slice(2) : fs.readdirSync(DATA).sort().map((name) => path.join(DATA, name));
const { ffmpeg } = resolveFfmpegPaths();

function decodeOnlySec(file: string): number {
  const start = performance.now();
  const result = spawnSync(ffmpeg, ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'null', '-'], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`ffmpeg could not decode ${file}`);
  return (performance.now() - start) / 1000;
}

async function importSec(file: string): Promise<{ seconds: number; frames: number }> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-ingest-')), 'p');
  createProject(dir);
  const session = ProjectSession.open(dir);
  const start = performance.now();
  const id = session.jobs.enqueue(IMPORT_JOB, { paths: [file] });
  await session.jobs.idle();
  const seconds = (performance.now() - start) / 1000;
  const job = session.jobs.get(id);
  const video = listVideos(session.db)[0];
  await session.close();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  if (!video || video.status !== 'ready') throw new Error(`import of ${file} failed: ${JSON.stringify(job?.result)}`);
  return { seconds, frames: video.frameCount };
}

async function main(): Promise<void> {
  let totalFrames = 0;
  let totalImport = 0;
  let totalDecode = 0;
  for (const file of files) {
    const decode = decodeOnlySec(file);
    const imported = await importSec(file);
    totalFrames += imported.frames;
    totalImport += imported.seconds;
    totalDecode += decode;
    console.log(
      JSON.stringify({
        bench: 'ingest',
        file: path.basename(file),
        frames: imported.frames,
        importSec: round(imported.seconds),
        importFps: round(imported.frames / imported.seconds),
        decodeOnlySec: round(decode),
        decodeOnlyFps: round(imported.frames / decode),
        importToDecodeRatio: round(imported.seconds / decode),
      }),
    );
  }
  console.log(
    JSON.stringify({
      bench: 'ingest',
      summary: true,
      files: files.length,
      frames: totalFrames,
      importFps: round(totalFrames / totalImport),
      decodeOnlyFps: round(totalFrames / totalDecode),
      importToDecodeRatio: round(totalImport / totalDecode),
      machine: { cpus: os.cpus().length, node: process.versions.node },
    }),
  );
}

const round = (x: number) => Math.round(x * 100) / 100;

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

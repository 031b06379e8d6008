/**
 * Child-process plumbing shared by the media modules. ffmpeg and ffprobe always run as separate processes so a
 * crashing or slow decoder never takes the main process (or its event loop) with it.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

// Enough for every diagnostic we show; a decoder that complains about each of a million frames must not grow memory.
const STDERR_LIMIT = 64 * 1024;

export interface ToolExit {
  code: number | null;
  stderr: string;
}

export interface ToolProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Settles once the process has exited; rejects with Node's AbortError when `signal` aborts it. */
  exited: Promise<ToolExit>;
}

export function spawnTool(binary: string, args: readonly string[], signal?: AbortSignal): ToolProcess {
  // SIGKILL: a cancelled decode has nothing worth flushing, and ffmpeg may otherwise linger finishing a frame.
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += text;
  });
  const exited = new Promise<ToolExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
  // Callers that stop early (a consumer breaking out of a decode loop) may never await this promise.
  exited.catch(() => undefined);
  return { child, exited };
}

/** Runs a tool to completion and collects its stdout; small outputs only (JSON, one frame, one JPEG). */
export async function runTool(binary: string, args: readonly string[], signal?: AbortSignal): Promise<ToolExit & { stdout: Buffer }> {
  const { child, exited } = spawnTool(binary, args, signal);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exit = await exited;
  return { ...exit, stdout: Buffer.concat(chunks) };
}

/**
 * The line of a tool's stderr worth showing a user, without the prefixes that mean nothing to them: the file
 * name, and the "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1c0ffee] " tag naming the internal component.
 */
export function firstErrorLine(stderr: string, file: string): string {
  const line = stderr.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
  if (!line) return 'no error message';
  const untagged = line.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/, '');
  return untagged.startsWith(`${file}: `) ? untagged.slice(file.length + 2) : untagged;
}

/** Child processes in tests: which ones read a file, and running one to its end without blocking the test worker. */
import { spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

/** Pids of live processes whose command line mentions `file`: to prove a cancelled decoder was really killed. */
export function processesReading(file: string): string[] {
  return fs.readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(file);
    } catch {
      return false; // exited while we looked
    }
  });
}

/**
 * Runs a command to its end without blocking this process (spawnSync would): a test worker whose event loop is
 * blocked for a minute misses vitest's own RPC deadline, and the run fails with an unhandled error.
 */
export function runToEnd(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The resume tests' crash: runs the analyze job on one video of a project in a child process (analyzeRunner.ts) and
 * kills it with SIGKILL once it reports at least `afterFrames` frames done, so the project is left as a power cut
 * would leave it. Resolves when the child died of that signal; rejects if it ended any other way.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const RUNNER = path.join(__dirname, 'analyzeRunner.ts');

export function analyseUntilKilled(projectDir: string, videoId: number, afterFrames: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, projectDir, String(videoId)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const done = Math.max(...chunk.toString().trim().split('\n').map((l) => Number(l.split(' ')[1])));
      if (done >= afterFrames) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`runner exited with ${code}: ${err}`))));
  });
}

/**
 * `affect-studio import` and `videos` (the real launcher in a child process) on a video that ends before its
 * stated duration: both name where the file ends, and `videos --json` carries it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/labelProject';
import { countDecodedFrames, makeTruncatedVideo, TRUNCATED_FPS } from '../../test/support/testMedia';

const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');
const env = { ...process.env, AFFECT_STUDIO_HOME: tempDir('affect-cli-home-') };

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('a video that ends early, from the command line', () => {
  it('imports with the warning in the import output and the videos listing', () => {
    const file = makeTruncatedVideo(tempDir('affect-cli-media-'));
    const frames = countDecodedFrames(file);
    const warning = `the file ends at ${(frames / TRUNCATED_FPS).toFixed(1)} s of 15.3 s: the rest does not decode (truncated or damaged?)`;
    const project = path.join(tempDir('affect-cli-'), 'study');
    expect(cli(['project', 'create', project]).code).toBe(0);

    const imported = cli(['import', project, file]);
    expect(imported.stdout).toBe(`imported ${file}: ${frames} frames; warning: ${warning}\n`);
    expect(imported.stderr.trimEnd().split('\n').at(-1)).toBe('done: 1 imported, 1 with a warning');
    expect(imported.code).toBe(0);

    expect(cli(['videos', project]).stdout).toBe(`1\tready\t${frames} frames\t320x240\th264\t${file}\twarning: ${warning}\n`);
    expect(JSON.parse(cli(['videos', project, '--json']).stdout)).toMatchObject([{ path: file, status: 'ready', frames, warning }]);
  }, 60_000);
});

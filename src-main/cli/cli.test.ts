/** Runs the real `affect-studio` launcher (the compiled CLI, as `npx affect-studio` would) in a child process. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../core/store/migrations';
import { testVideo } from '../../test/support/testMedia';

const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');
const VIDEOS = path.dirname(testVideo('single_face.mp4'));
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-'));

function cli(args: string[], home = tempDir()) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, AFFECT_STUDIO_HOME: home }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('affect-studio CLI', () => {
  it('prints help listing its commands', () => {
    const { code, stdout } = cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/serve/);
    expect(stdout).toMatch(/project create <dir>/);
  });

  it('prints the package version, plain and as JSON', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(cli(['--version']).stdout.trim()).toBe(version);
    expect(JSON.parse(cli(['--version', '--json']).stdout)).toEqual({ version });
  });

  it('creates a project and reports it as JSON, and remembers it as recent', () => {
    const home = tempDir();
    const dir = path.join(tempDir(), 'study');
    const { code, stdout, stderr } = cli(['project', 'create', dir, '--name', 'Study A', '--json'], home);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ path: dir, name: 'Study A', schemaVersion: LATEST_SCHEMA_VERSION });
    expect(fs.existsSync(path.join(dir, 'project.sqlite'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(home, 'recent-projects.json'), 'utf8'))).toMatchObject([{ path: dir }]);
  });

  it('resolves a relative project folder against the working directory', () => {
    const cwd = tempDir();
    const result = spawnSync(process.execPath, [BIN, 'project', 'create', 'rel', '--json'], {
      cwd,
      env: { ...process.env, AFFECT_STUDIO_HOME: tempDir() },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).path).toBe(path.join(fs.realpathSync(cwd), 'rel'));
  });

  it('reports a failure on stderr with exit code 1 and nothing on stdout', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'data.csv'), 'x');
    const { code, stdout, stderr } = cli(['project', 'create', dir, '--json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^affect-studio: .* is not empty/);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['project'], /project needs a subcommand/],
    [['project', 'create'], /needs a folder/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['serve', '--port', 'abc'], /--port must be/],
  ])('exits with code 2 and usage on a wrong call: %j', (args, message) => {
    const { code, stderr } = cli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/Usage: affect-studio/);
  });

  it('imports a real video and lists it with its frame count, size, codec and status', () => {
    const dir = path.join(tempDir(), 'study');
    expect(cli(['project', 'create', dir]).code).toBe(0);
    const imported = cli(['import', dir, path.join(VIDEOS, 'single_face.mp4'), '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ state: 'done', outcomes: [{ frames: 72 }] });

    const listed = cli(['videos', dir, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: 1, path: path.join(VIDEOS, 'single_face.mp4'), frames: 72, width: 640, height: 360, codec: 'h264', status: 'ready' }),
    ]);
    const video = JSON.parse(listed.stdout)[0];
    expect(video.fps).toBeCloseTo(30, 1);
    expect(video.duration).toBeCloseTo(2.4, 1);
  });

  it('import reports each file that failed and exits 1, keeping the ones that worked', () => {
    const dir = path.join(tempDir(), 'study');
    cli(['project', 'create', dir]);
    const notVideo = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(notVideo, 'hello');
    const { code, stdout } = cli(['import', dir, path.join(VIDEOS, 'single_face.mp4'), notVideo]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/imported .*single_face\.mp4: 72 frames/);
    expect(stdout).toMatch(/failed {3}.*notes\.txt: .*notes\.txt/);
    expect(JSON.parse(cli(['videos', dir, '--json']).stdout)).toHaveLength(1);
  });

  it('import refuses a missing path before doing anything', () => {
    const dir = path.join(tempDir(), 'study');
    cli(['project', 'create', dir]);
    const { code, stderr } = cli(['import', dir, '/no/such/file.mp4']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/\/no\/such\/file\.mp4 does not exist/);
  });

  it('serve prints a loopback URL whose token buys a cookie, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--json'], { env: { ...process.env, AFFECT_STUDIO_HOME: tempDir() } });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect((await fetch(new URL('/', url), { headers: { Cookie: page.headers.get('set-cookie')?.split(';')[0] ?? '' } })).status).toBe(200);
    const withoutToken = await fetch(new URL('/', url));
    expect(withoutToken.status).toBe(401);
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  });
});

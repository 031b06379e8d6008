/**
 * The CLI with a damaged, an unwritable or a broken environment: every case is one line on stderr (a notice or an
 * error naming the cause and what to do), never a stack trace, and nothing saved is lost. Runs the built launcher.
 * Tests run as root here and in CI, and root ignores file permissions, so the unwritable cases run the child as
 * root without the capabilities that override them (`setpriv`, dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH):
 * the files' mode bits then apply to it as to their owner, while it can still read the checkout wherever it lies
 * (a clone in a 0700 folder is out of another user's reach). When not root, the mode bits already apply.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSyntheticProject, damagePages, leafPages } from '../../test/support/syntheticProject';

const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');
const asRoot = process.getuid?.() === 0;
const WITHOUT_PERMISSION_OVERRIDE = ['--bounding-set', '-dac_override,-dac_read_search', '--inh-caps', '-dac_override,-dac_read_search'];

function openTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'affect-integrity-'));
}

function cli(args: string[], options: { home?: string; unprivileged?: boolean } = {}) {
  const home = options.home ?? openTempDir();
  const command = options.unprivileged && asRoot ? 'setpriv' : process.execPath;
  const prefix = options.unprivileged && asRoot ? [...WITHOUT_PERMISSION_OVERRIDE, process.execPath] : [];
  const result = spawnSync(command, [...prefix, BIN, ...args], { env: { ...process.env, AFFECT_STUDIO_HOME: home, HOME: home }, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function project(): { dir: string; file: string } {
  const dir = path.join(openTempDir(), 'study');
  const { file } = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 300, labelsPerVideo: 100, annotators: 2, analysedVideos: 0 });
  return { dir, file };
}

const labelArgs = (dir: string) => ['label', dir, '--video', '1', '--frame', '3', '--valence', '0.2', '--arousal', '0.1', '--annotator', 'Rater 1'];

describe('affect-studio with a damaged or read-only project', () => {
  it('says a damaged project opened read-only, refuses to label it, and salvages it into a project that labels', () => {
    const { dir, file } = project();
    damagePages(file, [leafPages(file, 'labels')[2] as number]);

    const refused = cli(labelArgs(dir));
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^affect-studio: opened read-only: its database is damaged \(.+\): copy what is readable into a new project with `affect-studio project salvage /);
    expect(lines[1]).toMatch(/^affect-studio: Not saved: this project is open read-only because its database is damaged/);

    const target = path.join(openTempDir(), 'rescued');
    const salvaged = cli(['project', 'salvage', dir, target]);
    expect(salvaged.stderr).toBe('');
    expect(salvaged.code).toBe(0);
    expect(salvaged.stdout).toMatch(/^ {2}labels: \d+ copied, \d+ lost \(rowids \d+-\d+ unreadable\)$/m);
    expect(salvaged.stdout).toMatch(/^ {2}frames: 600 copied$/m);

    const labelled = cli([...labelArgs(target), '--json']);
    expect(labelled.stderr).toBe('');
    expect(labelled.code).toBe(0);
    expect(JSON.parse(labelled.stdout)).toMatchObject({ videoId: 1, frameIndex: 3, valence: 0.2 });
  });

  it('opens a project in a folder the user may not write read-only, names the permission, and still lists it', () => {
    const { dir, file } = project();
    // Only the folder is off limits: SQLite could write the file but not create the WAL's -shm beside it.
    fs.chmodSync(file, 0o666);
    fs.chmodSync(dir, 0o555);
    const reason = `its folder ${dir} is not writable (permission denied): make it writable, then open the project again`;

    const listed = cli(['videos', dir, '--json'], { unprivileged: true });
    expect(listed.stderr).toBe(`affect-studio: opened read-only: ${reason}\n`);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(2);

    const refused = cli(labelArgs(dir), { unprivileged: true });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`affect-studio: opened read-only: ${reason}\naffect-studio: Not saved: this project is open read-only because ${reason}.\n`);
    expect(fs.readdirSync(dir).sort()).toEqual(['project.sqlite']);
  });

  it('opens a database file the user may not write read-only, beside its WAL files, and exports from it', () => {
    const { dir, file } = project();
    fs.chmodSync(file, 0o444);
    const before = fs.readFileSync(file);
    const reason = `${file} is not writable (permission denied): make it writable, then open the project again`;

    const refused = cli(labelArgs(dir), { unprivileged: true });
    expect(refused.stderr).toBe(`affect-studio: opened read-only: ${reason}\naffect-studio: Not saved: this project is open read-only because ${reason}.\n`);
    const out = openTempDir();
    const exported = cli(['export', dir, '--format', 'csv', '--out', path.join(out, 'read-only.csv')], { unprivileged: true });
    expect(exported.code).toBe(0);
    // Checked before the comparison export below, which, writable, records its export job in the project.
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(cli(['export', dir, '--format', 'csv', '--out', path.join(out, 'writable.csv')]).code).toBe(0);
    const csv = fs.readFileSync(path.join(out, 'read-only.csv'), 'utf8');
    expect(csv.split('\n').length).toBeGreaterThan(400);
    expect(csv).toBe(fs.readFileSync(path.join(out, 'writable.csv'), 'utf8'));
  });

  it('reports an unexpected error in one line naming the log, which holds the stack', () => {
    const home = openTempDir();
    // A folder where the recent-projects file should be: a state no StudioError anticipates.
    fs.mkdirSync(path.join(home, 'recent-projects.json', 'x'), { recursive: true });
    const created = cli(['project', 'create', path.join(openTempDir(), 'p')], { home });
    const log = path.join(home, 'logs', 'errors.log');
    expect(created.code).toBe(1);
    expect(created.stderr).toMatch(new RegExp(`^affect-studio: unexpected error in affect-studio project: .+ \\(details in ${log.replace(/[.]/g, '\\.')}\\)\\n$`));
    expect(fs.readFileSync(log, 'utf8')).toMatch(/\n {4}at /);
  });
});

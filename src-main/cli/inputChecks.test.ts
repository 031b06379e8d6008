/**
 * Bad input at every place a person types or feeds a value: each is refused with one line naming the option,
 * cell or folder and the value, and nothing saved changes. In process through runCli on a real project (a real
 * SQLite file), plus the built launcher (`npm run build:main` first) where the process itself matters: a reader
 * that closes the pipe early.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiCaller } from '../../test/support/apiCall';
import { addVideo, newSession, tempDir } from '../../test/support/labelProject';
import { createStudioApi } from '../api/studioApi';
import type { VideoId } from '../core/ids';
import { currentLabels } from '../core/store/labelStore';
import { PROJECT_DB_FILE } from '../core/store/projectFolder';
import { ProjectSession } from '../core/studio/projectSession';
import { runCli } from './main';

const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => (out += t), err: (t: string) => (err += t), env: { ...process.env, AFFECT_STUDIO_HOME: tempDir() }, untilStopped: () => new Promise<void>(() => undefined) };
  const code = await runCli(args.map((arg) => (arg === PROJECT ? project : arg)), io);
  return { code, out, err };
}

/** The first line of stderr: the message (a wrong call adds the usage text below it). */
const firstLine = (err: string) => err.split('\n')[0];

let project = '';
/** Stands for the project folder in tables, which are built before beforeAll makes it. */
const PROJECT = '<project>';

/** Rows in the append-only labels table: any write at all shows here. */
function labelCount(): number {
  const db = new Database(path.join(project, PROJECT_DB_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const session = newSession();
  addVideo(session, 'clip_a.mp4', 40);
  project = session.info.path;
  await session.close();
});

function file(name: string, text: string): string {
  const out = path.join(tempDir(), name);
  fs.writeFileSync(out, text);
  return out;
}

describe('strict numbers in CLI options', () => {
  const label = (...options: string[]) => ['label', PROJECT, '--annotator', 'Ana', ...options];
  const complete = { '--video': '1', '--frame': '3', '--valence': '0.5', '--arousal': '-0.25' };
  const labelWith = (option: string, value: string) =>
    label(...Object.entries({ ...complete, [option]: value }).flatMap(([k, v]) => [k, v]));

  it.each([
    [labelWith('--frame', '0x10'), '--frame must be a whole number such as 0 or 12, not "0x10"'],
    [labelWith('--frame', '1e1'), '--frame must be a whole number such as 0 or 12, not "1e1"'],
    [labelWith('--frame', ' '), '--frame must be a whole number such as 0 or 12, not " "'],
    [labelWith('--valence', 'Infinity'), '--valence must be a decimal number such as 12, -0.25 or .5, not "Infinity"'],
    [labelWith('--valence', '0b1'), '--valence must be a decimal number such as 12, -0.25 or .5, not "0b1"'],
    [labelWith('--arousal', ''), '--arousal must be a decimal number such as 12, -0.25 or .5, not ""'],
    [labelWith('--arousal', 'NaN'), '--arousal must be a decimal number such as 12, -0.25 or .5, not "NaN"'],
    [labelWith('--video', '0o1'), '--video must be a whole number such as 0 or 12, not "0o1"'],
    [['suggest', PROJECT, '--video', '1', '--n', '0x10'], '--n must be a whole number such as 0 or 12, not "0x10"'],
    [['serve', '--port', '1e3'], '--port must be a whole number such as 0 or 12, not "1e3"'],
    [['import-labels', PROJECT, 'x.csv', '--range', '0x1,9'], '--range MIN must be a decimal number such as 12, -0.25 or .5, not "0x1"'],
    [['import-labels', PROJECT, 'x.csv', '--range', '1,Infinity'], '--range MAX must be a decimal number such as 12, -0.25 or .5, not "Infinity"'],
    [['export', PROJECT, '--format', 'dataset', '--out', '/tmp/d', '--crop-size', '2e2'], '--crop-size must be a whole number such as 0 or 12, not "2e2"'],
    [['evaluate', '--dataset', '/tmp/x.csv', '--support', 'first', '--seed', '1.5'], '--seed must be a whole number such as 0 or 12, not "1.5"'],
    [['evaluate', '--dataset', '/tmp/x.csv', '--support', 'first', '--draws', ''], '--draws must be a whole number such as 0 or 12, not ""'],
  ])('refuses %j as a wrong call (exit 2), naming the option and the value', async (args, message) => {
    const before = labelCount();
    const { code, out, err } = await cli(...args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(firstLine(err)).toBe(`affect-studio: ${message}.`);
    expect(labelCount()).toBe(before);
  });

  it('refuses a split share that is not a decimal (exit 1), naming the share', async () => {
    const { code, err } = await cli('export', project, '--format', 'dataset', '--out', path.join(tempDir(), 'd'), '--split', '70,15,0x5');
    expect(code).toBe(1);
    expect(err).toBe('affect-studio: The test share of the split must be a decimal number such as 12, -0.25 or .5, not "0x5".\n');
  });

  it('still takes plain decimals, signs and leading dots', async () => {
    const { code, out, err } = await cli(...labelWith('--valence', '-.5'), '--json');
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ frameIndex: 3, valence: -0.5, arousal: -0.25 });
  });
});

describe('annotator names', () => {
  it.each([
    [['label', '--annotator', '', '--video', '1', '--frame', '1', '--valence', '0', '--arousal', '0'], '--annotator needs a name, not ""'],
    [['label', '--annotator', '  ', '--video', '1', '--frame', '1', '--valence', '0', '--arousal', '0'], '--annotator needs a name, not "  "'],
    [['import-labels', 'x.csv', '--annotator', '\t'], '--annotator needs a name, not "\\t"'],
  ])('refuses a blank --annotator: %j', async ([command, ...args], message) => {
    const before = labelCount();
    const { code, err } = await cli(command as string, project, ...args);
    expect(code).toBe(2);
    expect(firstLine(err)).toBe(`affect-studio: ${message}`);
    expect(labelCount()).toBe(before);
  });

  it('refuses a CSV row whose annotator cell is blank, and saves none of the file', async () => {
    const before = labelCount();
    const csv = file('blank.csv', 'video,frame,valence,arousal,annotator\nclip_a.mp4,1,0.1,0.1,Ana\nclip_a.mp4,2,0.1,0.1,   \n');
    const { code, err } = await cli('import-labels', project, csv);
    expect(code).toBe(1);
    expect(err).toBe('affect-studio: blank.csv was not imported (nothing was saved):\nline 3: An annotator needs a name; "" is blank.\n');
    expect(labelCount()).toBe(before);
  });

  it('refuses a blank name through the API, for a new annotator and for an import layer', async () => {
    const api = createStudioApi({ mode: 'browser', configDir: tempDir() });
    const call = apiCaller(api);
    try {
      await call('projects.open', { dir: project });
      await expect(call('annotators.add', { project, name: '   ' })).rejects.toThrow('annotators.add: name: an annotator needs a name (it is blank)');
      const csv = file('ok.csv', 'video,frame,valence,arousal\nclip_a.mp4,1,0.1,0.1\n');
      await expect(call('labels.import', { project, file: csv, format: 'csv', annotator: ' ' })).rejects.toThrow(/annotator: an annotator needs a name/);
      expect(await call('annotators.list', { project })).not.toContainEqual(expect.objectContaining({ name: '' }));
    } finally {
      await api.close();
    }
  });
});

describe('semicolon- and tab-separated label files', () => {
  it('imports a European Excel file: semicolons, decimal commas, CRLF and a BOM', async () => {
    const before = labelCount();
    const csv = file('excel.csv', '\ufeffvideo;frame;valence;arousal;annotator\r\nclip_a.mp4;4;0,5;-0,25;Eve\r\nclip_a.mp4;5;-,75;1;Eve\r\n');
    const { code, out, err } = await cli('import-labels', project, csv, '--json');
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ labels: 2, annotators: ['Eve'], videoIds: [1] });
    expect(labelCount()).toBe(before + 2);
    const s = ProjectSession.open(project);
    try {
      const eve = currentLabels(s.db, 1 as VideoId).filter((l) => l.frameIndex === 4 || l.frameIndex === 5);
      expect(eve.map((l) => [l.frameIndex, l.valence, l.arousal])).toEqual([[4, 0.5, -0.25], [5, -0.75, 1]]);
    } finally {
      await s.close();
    }
  });

  it('imports a tab-separated file and refuses a hex cell in it by line and column', async () => {
    const good = file('tabs.tsv', 'video\tframe\tvalence\tarousal\nclip_a.mp4\t6\t0.2\t0.3\n');
    expect((await cli('import-labels', project, good, '--annotator', 'Tab')).code).toBe(0);
    const before = labelCount();
    const bad = file('hex.tsv', 'video\tframe\tvalence\tarousal\nclip_a.mp4\t7\t0.2\t0.3\nclip_a.mp4\t8\t0x1\t0.3\n');
    const { code, err } = await cli('import-labels', project, bad, '--annotator', 'Tab');
    expect(code).toBe(1);
    expect(err).toBe('affect-studio: hex.tsv was not imported (nothing was saved):\nline 3: valence must be a decimal number such as 12, -0.25 or .5, not "0x1".\n');
    expect(labelCount()).toBe(before);
  });
});

describe('--range with AFEW-VA, whose scale is known', () => {
  it('import-labels refuses a range for an AFEW-VA JSON', async () => {
    const json = file('001.json', JSON.stringify({ frames: { '00001': { valence: 5, arousal: -2 } } }));
    const { code, err } = await cli('import-labels', project, json, '--video', '1', '--range', '-10,10');
    expect(code).toBe(1);
    expect(err).toBe('affect-studio: AFEW-VA files are always on [-10, 10]; a range applies to CSV files only.\n');
  });

  it('import-labels refuses an AFEW-VA value written as text, naming the frame and field', async () => {
    const before = labelCount();
    const json = file('003.json', JSON.stringify({ frames: { '00001': { valence: 5, arousal: -2 }, '00002': { valence: '0x10', arousal: 1 } } }));
    const { code, err } = await cli('import-labels', project, json, '--video', '1');
    expect(code).toBe(1);
    expect(err).toBe(
      'affect-studio: 003.json was not imported (nothing was saved):\nclip 003: 003.json is not an AFEW-VA label file: frames.00002.valence: Invalid input: expected number, received string\n',
    );
    expect(labelCount()).toBe(before);
  });

  it('import-labels refuses an AFEW-VA file that labels no frame, or hides one behind "__proto__"', async () => {
    const empty = file('004.json', JSON.stringify({ frames: {} }));
    expect((await cli('import-labels', project, empty, '--video', '1')).err).toBe('affect-studio: 004.json was not imported (nothing was saved):\nclip 004: 004.json labels no frame.\n');
    const proto = file('005.json', '{"frames": {"__proto__": {"valence": 1, "arousal": 1}}}');
    expect((await cli('import-labels', project, proto, '--video', '1')).err).toBe(
      'affect-studio: 005.json was not imported (nothing was saved):\nclip 005: 005.json is not valid JSON: a "__proto__" key is not allowed\n',
    );
  });

  it('evaluate refuses a range for an AFEW-VA folder instead of dividing by 10 twice', async () => {
    const dataset = tempDir();
    fs.mkdirSync(path.join(dataset, '001'));
    fs.writeFileSync(path.join(dataset, '001', '001.json'), JSON.stringify({ frames: { '00000': { valence: 5, arousal: -2 } } }));
    const { code, err } = await cli('evaluate', '--dataset', dataset, '--support', 'first', '--range', '-10,10');
    expect(code).toBe(1);
    expect(err).toBe('affect-studio: AFEW-VA labels are always on [-10, 10] and are converted to [-1, 1]; leave out the range (it applies to CSV datasets only).\n');
  });

  it('evaluate names the folder to give for an AFEW-VA JSON file', async () => {
    const json = file('002.json', JSON.stringify({ frames: {} }));
    const { code, err } = await cli('evaluate', '--dataset', json, '--support', 'first');
    expect(code).toBe(1);
    expect(err).toMatch(/^affect-studio: .*002\.json is a JSON file: give the AFEW-VA folder/);
  });
});

describe('--out into a missing folder', () => {
  it.each(['csv', 'json', 'nova', 'elan', 'afew-va', 'dataset'])('export --format %s names the folder to create', async (format) => {
    const missing = path.join(tempDir(), 'no', 'such');
    const { code, out, err } = await cli('export', project, '--format', format, '--out', path.join(missing, 'labels'));
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`affect-studio: The folder ${missing} does not exist; create it first, or export into an existing folder.\n`);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('names a file given where the folder should be', async () => {
    const notFolder = file('plain.txt', 'x');
    const { code, err } = await cli('export', project, '--format', 'csv', '--out', path.join(notFolder, 'labels.csv'));
    expect(code).toBe(1);
    expect(err).toBe(`affect-studio: ${notFolder} is a file, not a folder; export into a folder.\n`);
  });
});

describe('a reader that closes the pipe early', () => {
  it('videos | head -1 prints one line and exits 0 without an error', async () => {
    // 3000 videos make far more output than a pipe buffers, so the CLI is still writing when head exits.
    const session = newSession();
    session.db.transaction(() => {
      for (let i = 0; i < 3000; i++) addVideo(session, `v${i}.mp4`, 1);
    })();
    const folder = session.info.path;
    await session.close();
    const run = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" videos "$2" | head -1', process.execPath, BIN, folder], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^1\tmissing\t1 frames\t64x64\th264\t\/media\/v0\.mp4\n$/);
  });
});

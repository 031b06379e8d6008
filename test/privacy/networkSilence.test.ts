/**
 * "No network request, ever", proved: the whole loop through the built `affect-studio` launcher (create, import,
 * analyze, label, train, propagate, export, then `serve` with the page loaded in Chromium), every command under
 * `strace -f` so its children (the analysis process, ffmpeg) are traced too, with HOME set to a fresh folder.
 *
 * Fails on any name lookup (anything sent to port 53, nscd or systemd-resolved asked), on any UDP socket (the
 * studio needs none), on any connect/send to an IP address that is not loopback, and on any file created under
 * HOME outside the studio's settings folder. Reading /etc/resolv.conf alone is no lookup: Node's resolver library
 * reads it when the `dns` module loads, which `net` does, so only what would leave the process counts. The clip is long enough (~15 s of analysis here) for ONNX Runtime's telemetry, which
 * uploads about nine seconds after its first session, to have tried. Chromium is launched by the test with its
 * background networking off and is not traced: it is not the studio.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFfmpegPaths } from '../../src-main/core/media/ffmpegPaths';
import { launchChromium } from '../support/chromium';
import { runToEnd } from '../support/processes';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'affect-studio.js');
const FACES = path.join(ROOT, 'test', 'fixtures', 'faces-frl');
/** 30 s at 30 fps, the face turning from neutral to smiling and back every second. */
const CLIP_SECONDS = 30;

/** Syscalls that create files or reach out; `%network` covers socket, connect, sendto, sendmsg and the rest. */
const TRACED = '%network,open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,link,linkat,symlink,symlinkat';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-silence-'));
const home = path.join(work, 'home');
const settingsDir = path.join(home, '.config', 'affect-studio');
const traces: { step: string; log: string }[] = [];
const running: ChildProcess[] = [];

/** The user's environment with HOME replaced, and nothing that would hide a leak or move the settings folder. */
function studioEnv(): NodeJS.ProcessEnv {
  const hidden = ['AFFECT_STUDIO_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'ORT_DISABLE_TELEMETRY'];
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !hidden.includes(name))), HOME: home };
}

function straceArgs(step: string, args: string[]): string[] {
  const log = path.join(work, `strace-${traces.length}-${step.replace(/\W+/g, '-')}.log`);
  traces.push({ step, log });
  return ['-f', '-qq', '-s', '256', '-e', `trace=${TRACED}`, '-o', log, process.execPath, BIN, ...args];
}

async function traced(step: string, ...args: string[]): Promise<string> {
  const run = await runToEnd('strace', straceArgs(step, args), { cwd: work, env: studioEnv() });
  if (run.status !== 0) throw new Error(`${step} failed (${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return run.stdout;
}

/** Pids whose parent is `pid` (the studio under strace is strace's child). */
function childrenOf(pid: number): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      // Field 4 of /proc/PID/stat, after the parenthesised command name (which may hold spaces).
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(entry)] : [];
    } catch {
      return []; // exited while we looked
    }
  });
}

function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}

/** What a line of the trace does that breaks the promise, or null. */
function violation(line: string): string | null {
  if (/htons\(53\)/.test(line)) return 'DNS query (port 53)';
  if (/^\d+\s+socket\(AF_INET6?, SOCK_DGRAM/.test(line)) return 'UDP socket';
  if (/^\d+\s+connect\(.*sun_path="[^"]*(nscd|systemd\/resolve)/.test(line)) return 'host-name lookup (resolver daemon)';
  const sent = /^\d+\s+(connect|sendto|sendmsg|sendmmsg)\(.*sa_family=AF_INET6?, .*(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")/.exec(line);
  if (sent && !isLoopback((sent[2] ?? sent[3]) as string)) return `${sent[1]} to a non-loopback address`;
  const created = /^\d+\s+(open|openat|creat|mkdir|mkdirat|rename|renameat2?|link|linkat|symlink|symlinkat)\(.*?"([^"]+)"(?:, [^"]*"([^"]+)")?/.exec(line);
  const creates = created && (!/^open/.test(created[1] as string) || /O_CREAT/.test(line));
  const target = created?.[3] ?? created?.[2];
  if (creates && target && isUnder(target, home) && !isUnder(target, settingsDir) && !settingsDir.startsWith(`${target}/`)) {
    return 'file created under HOME outside the settings folder';
  }
  return null;
}

const isUnder = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);

function makeClip(): string {
  const clip = path.join(work, 'face.mp4');
  const still = (name: string) => ['-loop', '1', '-framerate', '30', '-t', '1', '-i', path.join(FACES, name)];
  const made = spawnSync(resolveFfmpegPaths().ffmpeg, [
    '-v', 'error', ...still('neutral/001.jpg'), ...still('smiling/001.jpg'),
    '-filter_complex', `[0][1]concat=n=2:v=1,loop=loop=${CLIP_SECONDS / 2 - 1}:size=60,format=yuv420p`,
    '-c:v', 'libx264', '-preset', 'ultrafast', clip,
  ]);
  if (made.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${made.stderr.toString()}`);
  return clip;
}

async function serveAndBrowse(project: string): Promise<void> {
  const strace = spawn('strace', straceArgs('serve + Chromium', ['serve', '--json']), { cwd: work, env: studioEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(strace);
  const exited = new Promise<number | null>((resolve) => strace.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    strace.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0] ?? '') as { url: string }).url);
    });
    void exited.then((code) => reject(new Error(`serve exited early with ${code}`)));
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${url}#${new URLSearchParams({ project, video: '1' })}`);
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
  } finally {
    await browser.close();
  }
  for (const pid of childrenOf(strace.pid as number)) process.kill(pid, 'SIGTERM');
  expect(await exited, 'serve should stop cleanly on SIGTERM').toBe(0);
}

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('network silence', () => {
  it('the whole loop makes no DNS lookup, connects nowhere but loopback, and writes nothing in HOME but its settings', async () => {
    if (spawnSync('strace', ['-V']).error) {
      throw new Error('strace is not installed: this test needs it to watch the studio\'s syscalls. Install it with "apt-get install strace".');
    }
    fs.mkdirSync(home);
    const clip = makeClip();
    const project = path.join(work, 'study');
    const csv = path.join(work, 'labels.csv');

    await traced('project create', 'project', 'create', project);
    // Analysis gets its own traced step below.
    await traced('import', 'import', project, clip, '--no-analyze');
    expect(await traced('analyze', 'analyze', project)).toMatch(/video 1: (\d{3})\/\1 frames with a face/);
    const labels: [number, number, number][] = [[0, -0.2, -0.3], [45, 0.7, 0.5], [120, -0.1, -0.4], [300, 0.6, 0.4], [510, -0.3, -0.2], [800, 0.8, 0.6]];
    for (const [frame, valence, arousal] of labels) {
      await traced('label', 'label', project, '--video', '1', '--frame', String(frame), '--valence', String(valence), '--arousal', String(arousal), '--annotator', 'Rater A');
    }
    await traced('train', 'train', project, '--annotator', 'Rater A');
    await traced('propagate', 'propagate', project, '--video', '1', '--annotator', 'Rater A');
    await traced('export', 'export', project, '--format', 'csv', '--out', csv);
    expect(fs.readFileSync(csv, 'utf8').split('\n').length).toBeGreaterThan(labels.length);
    await serveAndBrowse(project);

    const offending = traces.flatMap(({ step, log }) =>
      fs.readFileSync(log, 'utf8').split('\n').flatMap((line) => {
        const what = violation(line);
        return what ? [`[${step}] ${what}: ${line.trim()}`] : [];
      }),
    );
    expect(offending.length, `the studio reached out or wrote outside its settings:\n${offending.slice(0, 40).join('\n')}`).toBe(0);

    // What is left in HOME, as a second look that needs no parsing: the settings folder and its parents only.
    const left = fs.readdirSync(home, { recursive: true }).map((entry) => path.join(home, String(entry)));
    expect(left.filter((file) => !isUnder(file, settingsDir) && !settingsDir.startsWith(`${file}/`))).toEqual([]);
    expect(fs.existsSync(path.join(settingsDir, 'recent-projects.json'))).toBe(true);
  }, 240_000);
});

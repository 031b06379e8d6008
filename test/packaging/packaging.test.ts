/**
 * Packages the app with the real electron-builder (`--linux dir --x64`, electron-builder.yml) against a stand-in
 * Electron directory, offline, into a temp folder, and checks what ends up inside and outside `app.asar`.
 *
 * Electron can neither dlopen a `.node`/shared library nor spawn an executable that lives inside `app.asar`, so
 * every native file must be in `app.asar.unpacked`. The stand-in Electron is a single `electron` script: that is
 * all electron-builder needs from an unpacked Electron distribution to produce `linux-unpacked/` (it renames it
 * to the app's executable and creates `resources/` itself).
 *
 * Needs `dist-main/` and `dist-renderer/`: `npm test` builds them first (`npm run build`).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD_TIMEOUT_MS = 180_000;

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
const MAIN_ENTRY = packageJson.main.replace(/^\.\//, '');
const RENDERER_ENTRY = 'dist-renderer/index.html';

/** Native files that must be on disk for the app to load ORT and SQLite and run ffmpeg on linux x64. */
const REQUIRED_UNPACKED = [
  'node_modules/better-sqlite3/prebuilds/linux-x64.node',
  'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
  'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
  'node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
  'node_modules/@ffprobe-installer/linux-x64/ffprobe',
];
const EXECUTABLES = ['node_modules/@ffmpeg-installer/linux-x64/ffmpeg', 'node_modules/@ffprobe-installer/linux-x64/ffprobe'];
const NATIVE_FILE = /\.node$|\.so(\.\d+)*$|\.dylib$|\.dll$/;

let workDir = '';
let resourcesDir = '';
let asarPath = '';
let unpackedDir = '';
/** app.asar entries, relative, with forward slashes, e.g. `dist-main/electron/main.js`. */
let entries: string[] = [];

function assertBuilt(): void {
  const missing = [MAIN_ENTRY, RENDERER_ENTRY].filter((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missing.length > 0) {
    throw new Error(
      `Packaging test needs the built app, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing. ` +
        'Run `npm run build` first (`npm test` does it for you).',
    );
  }
}

function makeStandInElectron(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron for packaging tests" >&2\nexit 1\n', {
    mode: 0o755,
  });
}

async function packageApp(electronDist: string, outDir: string): Promise<void> {
  const cli = require.resolve('electron-builder/cli.js', { paths: [ROOT] });
  const args = [
    cli,
    '--linux',
    'dir',
    '--x64',
    '--publish',
    'never',
    `-c.electronDist=${electronDist}`,
    `-c.directories.output=${outDir}`,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Any download attempt fails at once instead of silently succeeding on a machine with internet.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    ELECTRON_GET_USE_PROXY: '1',
    // An empty cache: a `dir` build must not need anything from a previous download.
    ELECTRON_BUILDER_CACHE: path.join(workDir, 'eb-cache'),
    ELECTRON_CACHE: path.join(workDir, 'electron-cache'),
    // No code signing (irrelevant on linux, harmless elsewhere).
    CSC_IDENTITY_AUTO_DISCOVERY: 'false',
  };
  try {
    await promisify(execFile)(process.execPath, args, {
      cwd: ROOT,
      env,
      timeout: BUILD_TIMEOUT_MS - 10_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`electron-builder failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

function isFileInAsar(entry: string): boolean {
  return !('files' in asar.statFile(asarPath, entry, false));
}

function isUnpacked(entry: string): boolean {
  return asar.statFile(asarPath, entry, false).unpacked === true;
}

beforeAll(async () => {
  assertBuilt();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-packaging-'));
  const electronDist = path.join(workDir, 'electron-dist');
  const outDir = path.join(workDir, 'release');
  makeStandInElectron(electronDist);
  await packageApp(electronDist, outDir);

  resourcesDir = path.join(outDir, 'linux-unpacked', 'resources');
  asarPath = path.join(resourcesDir, 'app.asar');
  unpackedDir = path.join(resourcesDir, 'app.asar.unpacked');
  entries = asar.listPackage(asarPath, { isPack: false }).map((entry) => entry.split(path.sep).join('/').replace(/^\//, ''));
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('packaged app (electron-builder --linux dir, offline)', () => {
  it('packs the compiled main process, the renderer and package.json into app.asar', () => {
    expect(fs.existsSync(path.join(resourcesDir, '..', 'affect-studio'))).toBe(true);
    for (const file of [MAIN_ENTRY, RENDERER_ENTRY, 'package.json']) {
      expect(entries, file).toContain(file);
      expect(isUnpacked(file), `${file} should stay inside app.asar`).toBe(false);
    }
    const packagedJson = JSON.parse(asar.extractFile(asarPath, 'package.json').toString('utf8')) as { main: string };
    expect(packagedJson.main).toBe(packageJson.main);
  });

  it('unpacks every native module and the ffmpeg binaries outside app.asar', () => {
    for (const file of REQUIRED_UNPACKED) {
      expect(entries, `${file} missing from the package`).toContain(file);
      expect(isUnpacked(file), `${file} is only inside app.asar`).toBe(true);
      expect(fs.statSync(path.join(unpackedDir, file)).isFile(), `${file} missing from app.asar.unpacked`).toBe(true);
    }
    const nativeEntries = entries.filter((entry) => NATIVE_FILE.test(entry) && isFileInAsar(entry));
    expect(nativeEntries.length).toBeGreaterThanOrEqual(3);
    const packedOnly = nativeEntries.filter((entry) => !isUnpacked(entry) || !fs.existsSync(path.join(unpackedDir, entry)));
    expect(packedOnly, 'native files left inside app.asar').toEqual([]);
  });

  it('keeps the onnxruntime binding next to its shared library in app.asar.unpacked', () => {
    const ortDir = path.join(unpackedDir, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64');
    expect(fs.readdirSync(ortDir).sort()).toEqual(expect.arrayContaining(['libonnxruntime.so.1', 'onnxruntime_binding.node']));
  });

  it('keeps ffmpeg and ffprobe executable after unpacking', () => {
    for (const file of EXECUTABLES) {
      const { mode } = fs.statSync(path.join(unpackedDir, file));
      expect(mode & 0o100, `${file} mode ${(mode & 0o777).toString(8)}`).not.toBe(0);
    }
  });

  it('ships only linux x64 native binaries of onnxruntime', () => {
    const ortBinaries = entries.filter((entry) => entry.startsWith('node_modules/onnxruntime-node/bin/') && isFileInAsar(entry));
    expect(ortBinaries.length).toBeGreaterThan(0);
    expect(ortBinaries.filter((file) => !file.includes('/linux/x64/'))).toEqual([]);
  });

  it('leaves tests, TypeScript sources, source maps and .env files out of the package', () => {
    const appFiles = entries.filter((entry) => !entry.startsWith('node_modules/'));
    expect(appFiles.filter((entry) => /^(src-main|src-renderer|test|tools|bench)(\/|$)/.test(entry))).toEqual([]);
    expect(appFiles.filter((entry) => /\.(test|spec)\.[cm]?[jt]s$|\.ts$|\.map$/.test(entry))).toEqual([]);
    expect(appFiles.filter((entry) => /^(tsconfig.*\.json|vitest\.config\..*|vite\.config\..*|electron-builder\.yml)$/.test(entry))).toEqual([]);
    expect(entries.filter((entry) => /(^|\/)\.env$/.test(entry))).toEqual([]);
  });
});

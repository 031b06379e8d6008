/**
 * ONNX Runtime loaded through the studio's wrapper keeps its telemetry off: a session in a fresh process (the
 * built wrapper, as the CLI and the analysis process load it) leaves nothing under HOME, where the library's
 * telemetry otherwise creates ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ at once.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..', '..');
const WRAPPER = path.join(ROOT, 'dist-main', 'core', 'inference', 'onnxRuntime.js');
const MODEL = path.join(ROOT, 'models', 'emotion.onnx');

/** Runs `script` in a new Node process with an empty HOME and the given environment; returns what HOME holds after. */
function runWithFreshHome(script: string, env: Record<string, string> = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-ort-home-'));
  // Without whatever this test process inherited (another test may have loaded the wrapper in it).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'ORT_DISABLE_TELEMETRY'));
  const environment: NodeJS.ProcessEnv = { ...inherited, ...env, HOME: home };
  const run = spawnSync(process.execPath, ['-e', script], { env: environment, encoding: 'utf8' });
  return { ...run, homeEntries: fs.readdirSync(home, { recursive: true }) };
}

const openSession = (ort: string) => `${ort}.InferenceSession.create(${JSON.stringify(MODEL)}).then(() => console.log('session ok'))`;

describe('ONNX Runtime wrapper', () => {
  it('opens a session that writes nothing under HOME, even when the user set ORT_DISABLE_TELEMETRY=0', () => {
    for (const env of [{}, { ORT_DISABLE_TELEMETRY: '0' }] as Record<string, string>[]) {
      const run = runWithFreshHome(`const ort = require(${JSON.stringify(WRAPPER)}); ${openSession('ort')}`, env);
      expect(run.stdout + run.stderr).toContain('session ok');
      expect(run.homeEntries).toEqual([]);
    }
  });

  it('lets a worker thread use ONNX Runtime once its main thread loaded the wrapper, and refuses it before', () => {
    const inWorker = `new (require('node:worker_threads').Worker)(${JSON.stringify(`const ort = require(${JSON.stringify(WRAPPER)}); ${openSession('ort')}`)}, { eval: true })`;
    const afterMain = runWithFreshHome(`require(${JSON.stringify(WRAPPER)}); ${inWorker}`);
    expect(afterMain.stdout + afterMain.stderr).toContain('session ok');
    expect(afterMain.homeEntries).toEqual([]);

    const alone = runWithFreshHome(inWorker);
    expect(alone.stderr).toContain("ONNX Runtime must first be loaded on the process's main thread");
    expect(alone.homeEntries).toEqual([]);
  });
});

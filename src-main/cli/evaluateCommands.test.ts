import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLabelledFaceSet } from '../../test/support/testMedia';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-evaluate-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');

/**
 * The built CLI in its own process: an evaluation computes for tens of seconds without yielding (it retrains a
 * head per fold), which in this process would stall the test worker past vitest's own timeout.
 */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, AFFECT_STUDIO_HOME: dir } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('affect-studio evaluate', () => {
  it('exits 1 with the message on bad input, 2 on a wrong call', async () => {
    const file = csv('missing2.csv', 'image,clip\n');
    const bad = await cli(['evaluate', '--dataset', file, '--support', 'first']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/lacks the column/);
    expect((await cli(['evaluate', '--dataset', file])).code).toBe(2);
    const version = await cli(['evaluate', '--dataset', file, '--support', 'first', '--descriptor', '3']);
    expect(version.code).toBe(2);
    expect(version.err).toMatch(/--descriptor must be 1 or 2 \(2 adds the facial-action embedding\), not 3/);
  });

  it('reports every predictor for queries with and without support in their clip', async () => {
    // The first 60 crops of a KERC-style labelled set made from the committed FRL photos, referenced in place.
    const { labelsCsv, facesDir } = writeLabelledFaceSet(path.join(dir, 'face-set'));
    const lines = fs.readFileSync(labelsCsv, 'utf8').trim().split('\n');
    const rows = lines.slice(1, 61).map((line) => line.replace(/^faces\//, facesDir + '/'));
    const file = csv('kerc60.csv', [lines[0], ...rows].join('\n') + '\n');
    const run = await cli(['evaluate', '--dataset', file, '--support', 'fraction:0.3', '--draws', '2', '--range', '1,9', '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out);
    expect(result.draws).toHaveLength(2);
    expect(result.descriptorVersion).toBe(2);
    for (const name of ['support-mean', 'knn', 'ridge', 'authors-prior', 'studio']) expect(result.summary[name].all.valence.ccc.mean).toEqual(expect.any(Number));
    // The studio's 90% band: the share of queries inside it, per draw and summarised, as given and calibrated.
    const band = result.draws[0].band90.all;
    expect(band.coverage.samples).toBe(result.draws[0].queries.all);
    expect(band.coverage.valence).toBeGreaterThanOrEqual(0);
    expect(band.coverage.valence).toBeLessThanOrEqual(1);
    expect(result.band90.all.valence.mean).toEqual(expect.any(Number));
    expect(result.heldBack).not.toBeNull();
    expect(result.draws[0].queries.all).toBe(60 - result.draws[0].supportSize);
    // 18 support labels train a head, so the studio's held-back score retrains it per fold, as the studio does.
    expect(result.heldBack.retrainedPerFold).toEqual({ mean: 1, sd: 0 });
    // Two draws retrain a head per supported clip: minutes on a loaded machine.
  }, 300_000);
});

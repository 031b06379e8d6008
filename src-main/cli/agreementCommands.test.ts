/**
 * `affect-studio agreement` with the model as a rater and `affect-studio report`, on a project whose video is
 * analysed (built through the real stores, test/support/syntheticProject.ts): the model is compared only away from
 * the labels it was anchored on, and the report is one self-contained HTML file written under the exports' rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/labelProject';
import { buildSyntheticProject } from '../../test/support/syntheticProject';
import type { VideoId } from '../core/ids';
import { ensureAnnotator } from '../core/store/annotatorStore';
import { FIRST_PERSON } from '../core/store/personStore';
import { appendLabels, currentLabels } from '../core/store/labelStore';
import { ProjectSession } from '../core/studio/projectSession';
import { runCli } from './main';

const STUDIO_HOME = tempDir();
const FPS = 25;
const FRAMES = 1000;

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    env: { ...process.env, AFFECT_STUDIO_HOME: STUDIO_HOME },
    untilStopped: () => new Promise(() => undefined),
  });
  return { code, stdout, stderr };
}

let project: string;
let raterOneTimes: number[];
let benLabels: number;

beforeAll(async () => {
  project = path.join(tempDir('affect-cli-agreement-'), 'study');
  // 40 s at 25 fps; "Rater 1" labels 6 frames spread over it.
  buildSyntheticProject(project, { videos: 1, framesPerVideo: FRAMES, labelsPerVideo: 6, annotators: 1, analysedVideos: 1 });
  const session = ProjectSession.open(project);
  const raterOne = currentLabels(session.db, 1 as VideoId);
  raterOneTimes = raterOne.map((l) => l.frameIndex / FPS);
  const ben = ensureAnnotator(session.db, 'Ben', 'human').id;
  // Ben labels every 10th frame with a slow wave, and Rater 1's frames close to her values.
  const wave = Array.from({ length: FRAMES / 10 }, (_, i) => ({ frameIndex: i * 10, valence: 0.5 * Math.sin(i / 8), arousal: 0.3 * Math.cos(i / 11) }));
  const close = raterOne.map((l, i) => ({ frameIndex: l.frameIndex, valence: l.valence * 0.9 + 0.02 * i, arousal: l.arousal * 0.8 }));
  appendLabels(session.db, [...wave, ...close].map((l) => ({ ...l, videoId: 1 as VideoId, personId: FIRST_PERSON, annotatorId: ben, origin: 'manual' as const })));
  benLabels = currentLabels(session.db, 1 as VideoId, { annotatorId: ben }).length;
  await session.close();
}, 60_000);

describe('affect-studio agreement with the model as a rater', () => {
  it('compares Ben with the model anchored on Rater 1 only on Ben\'s frames more than 2 s from Rater 1\'s labels', async () => {
    const { code, stdout, stderr } = await cli('agreement', project, '--annotator', 'Ben', '--model', 'Rater 1', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.raters).toEqual(['Ben', 'model (anchored on Rater 1)']);
    const far = (t: number) => raterOneTimes.every((anchor) => Math.abs(t - anchor) > 2);
    const benFar = Array.from({ length: FRAMES / 10 }, (_, i) => i * 10).filter((f) => far(f / FPS));
    expect(benFar.length).toBeGreaterThan(20);
    expect(report.pooled.frames).toBe(benFar.length);
    expect(report.pooled.frames).toBeGreaterThan(20);
    expect(report.pooled.frames).toBeLessThan(FRAMES / 10);
    expect(report.leftOut[0].frames).toBeGreaterThan(0);
    expect(report.pooled.valence.measures['ICC(A,1)'].low).not.toBeNull();
  });

  it('has nothing to compare between a rater and the model anchored on her, rather than a circular ICC of 1', async () => {
    const { code, stdout } = await cli('agreement', project, '--annotator', 'Rater 1', '--model', 'Rater 1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pooled: 0 frames rated by two or more/m);
    expect(stdout).toContain('nothing to compare');
    expect(stdout).not.toContain('1.000');
  });

  it('refuses a single rater as a wrong call, and an unknown one in one line', async () => {
    expect((await cli('agreement', project, '--annotator', 'Ben')).code).toBe(2);
    expect(await cli('agreement', project, '--annotator', 'Ben', '--annotator', 'Cy')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'affect-studio: This project has no annotator named "Cy"; check the name (annotators are listed in the studio\'s raters panel).\n',
    });
  });
});

describe('affect-studio report', () => {
  it('writes one self-contained HTML file with the raters, the agreement the CLI prints, plots and the held-back score', { timeout: 120_000 }, async () => {
    const out = path.join(fs.realpathSync(tempDir()), 'report.html');
    const { code, stdout, stderr } = await cli('report', project, '--out', out);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote ${out}\n`);
    const html = fs.readFileSync(out, 'utf8');
    const agreement = JSON.parse((await cli('agreement', project, '--json')).stdout);
    const icc = agreement.pooled.valence.measures['ICC(A,1)'];
    expect(html).toContain(`<td>ICC(A,1)</td><td class="num">${icc.value.toFixed(3)} [${icc.low.toFixed(3)}, ${icc.high.toFixed(3)}]</td>`);
    expect(html).toContain('<td>Rater 1</td><td>annotator</td><td class="num">6</td>');
    expect(html).toContain(`<td>Ben</td><td>annotator</td><td class="num">${benLabels}</td>`);
    expect(html).toMatch(/<svg [^>]*aria-label="Rater 1 – Ben, valence"/);
    expect(html).toMatch(/<svg [^>]*aria-label="session-1.mp4: arousal"/);
    expect(html).toMatch(/<td>session-1.mp4<\/td><td>Ben<\/td><td class="num">-?\d\.\d{3}<\/td>/); // Ben's held-back CCC V
    expect(html).toContain('circumplex-prior-pair-head');
    // Nothing is fetched when it is opened: no script, no link, no external source.
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(|@import/i);
  });

  it('writes only under the exports\' rules: never over a file it did not write, its own only with --force', async () => {
    const dir = fs.realpathSync(tempDir());
    const theirs = path.join(dir, 'methods.html');
    fs.writeFileSync(theirs, 'their draft');
    const refused = await cli('report', project, '--out', theirs, '--force');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`affect-studio: ${theirs} was not written by Affect Studio, so it is not replaced, even with --force. Choose another name or move it.\n`);
    expect(fs.readFileSync(theirs, 'utf8')).toBe('their draft');
    const own = path.join(dir, 'report.html');
    expect((await cli('report', project, '--out', own)).code).toBe(0);
    expect((await cli('report', project, '--out', own)).stderr).toMatch(/already exists\. Choose another name, or allow overwriting \(--force\)/);
    expect((await cli('report', project, '--out', own, '--force')).code).toBe(0);
    const missing = await cli('report', project, '--out', path.join(dir, 'no-such-folder', 'r.html'));
    expect(missing).toMatchObject({ code: 1, stderr: `affect-studio: The folder ${path.join(dir, 'no-such-folder')} does not exist; create it first, or export into an existing folder.\n` });
    expect((await cli('report', project)).code).toBe(2);
  });

  it('compares the raters named, as agreement does', { timeout: 120_000 }, async () => {
    const out = path.join(fs.realpathSync(tempDir()), 'model.html');
    expect((await cli('report', project, '--out', out, '--annotator', 'Ben', '--model', 'Rater 1')).code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('Raters compared: Ben, model (anchored on Rater 1).');
    expect(html).toMatch(/model \(anchored on Rater 1\): \d+ frames within 2 s of the anchoring annotator's labels left out/);
  });
});

/** `affect-studio score` on a real project file: the held-back score the studio shows, in text and JSON. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../test/support/syntheticProject';
import { heldBackOfInput } from '../core/affect/heldBack';
import { ProjectPredictor } from '../core/affect/projectPredictor';
import type { AnnotatorId, VideoId } from '../core/ids';
import { openProjectDbReadOnly } from '../core/store/projectDb';
import { cliInProcess } from '../../test/support/cliInProcess';
import { FIRST_PERSON } from '../core/store/personStore';

const cli = cliInProcess;

describe('score command', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-score-')), 'p');
  let file: string;

  beforeAll(() => {
    // Video 1 analysed with 40 labels per annotator; video 2 not analysed.
    file = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 2000, labelsPerVideo: 40, annotators: 2, analysedVideos: 1 }).file;
  }, 120_000);

  it('prints the core\'s held-back score of the first human annotator\'s labels, and the same in JSON', async () => {
    const db = openProjectDbReadOnly(file);
    const expected = heldBackOfInput(new ProjectPredictor(db, dir).heldBackInput(1 as VideoId, FIRST_PERSON, 1 as AnnotatorId));
    db.close();
    expect(expected).not.toBeNull();

    const json = await cli(['score', dir, '--video', '1', '--json']);
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ videoId: 1, annotator: 'Rater 1', heldBack: expected });

    const text = await cli(['score', dir, '--video', '1', '--annotator', 'Rater 1']);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(`CCC V ${expected?.cccValence.toFixed(2)}, A ${expected?.cccArousal.toFixed(2)}`);
    expect(text.out).toContain(`(${expected?.labels} labels, 10 folds, labels within 2 s of a held-out one left out, prior head)`);
    const band = expected?.band90;
    expect(band?.calibratedCoverage).not.toBeNull();
    expect(text.out).toContain(`90% band (±1.645 sd) held V ${Math.round((band?.coverage.valence ?? 0) * 100)}%, A ${Math.round((band?.coverage.arousal ?? 0) * 100)}% of the held-back labels`);
  }, 60_000);

  it('refuses an unanalysed video and an unknown annotator in one line each', async () => {
    const unanalysed = await cli(['score', dir, '--video', '2']);
    expect(unanalysed.code).toBe(1);
    expect(unanalysed.err).toMatch(/has not been analysed yet: analyse it first .*"affect-studio analyze" on the command line\)\.\n$/);
    expect(unanalysed.err.trim().split('\n')).toHaveLength(1);
    const unknown = await cli(['score', dir, '--video', '1', '--annotator', 'Nobody']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no annotator "Nobody" \(it has "Rater 1", "Rater 2"\)/);
    const missing = await cli(['score', dir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/score needs --video ID/);
  }, 60_000);
});

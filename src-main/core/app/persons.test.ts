/**
 * Two people in one video, through the use cases the API and the CLI call, on a real project file: each person's
 * labels, predictions and export rows are theirs only, a video with two persons makes a caller name one, and a
 * merge is seen by the next prediction at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { addSecondPerson } from '../../../test/support/twoPersons';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import { parseCsv } from '../io/csv';
import { frameTables } from '../io/frameTable';
import { tablesToCsv } from '../io/tableFormats';
import { FIRST_PERSON } from '../store/personStore';
import { PROJECT_DB_FILE } from '../store/projectFolder';
import { ProjectSession } from '../studio/projectSession';
import { startExport } from './exports';
import { applyLabels, listLabels } from './labels';
import { framePredictions } from './models';
import { chosenPerson, listPersons, mergePersons, personAt } from './persons';
import { refreshRunsForExport } from './predictions';

const VIDEO = 1 as VideoId;
const ANA = 1 as AnnotatorId;
const P2 = 2 as PersonId;
let session: ProjectSession | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

/** 200 frames; person 1 on 9 frames in 10, person 2 on frames 0-119 only. */
function open(): ProjectSession {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-persons-app-')), 'study');
  buildSyntheticProject(dir, { videos: 1, framesPerVideo: 200, labelsPerVideo: 0, annotators: 1, analysedVideos: 1 });
  addSecondPerson(path.join(dir, PROJECT_DB_FILE), VIDEO, { from: 0, to: 120 });
  session = ProjectSession.open(dir);
  return session;
}

async function label(project: ProjectSession, personId: PersonId, frames: readonly number[], valence: number): Promise<void> {
  const sets = frames.map((frameIndex) => ({ frameIndex, valence, arousal: -valence }));
  await applyLabels(project, { videoId: VIDEO, personId, annotatorId: ANA, origin: 'manual', sets, deletes: [] });
}

describe('two people in one video', () => {
  it("never mixes one person's labels, predictions or export rows with the other's", async () => {
    const project = open();
    await label(project, FIRST_PERSON, [10, 50, 90], 0.8);
    await label(project, P2, [10, 60, 100], -0.7);

    expect((await listLabels(project, VIDEO, FIRST_PERSON)).map((l) => [l.frameIndex, l.valence, l.personId])).toEqual([[10, 0.8, 1], [50, 0.8, 1], [90, 0.8, 1]]);
    expect((await listLabels(project, VIDEO, P2)).map((l) => [l.frameIndex, l.valence, l.personId])).toEqual([[10, -0.7, 2], [60, -0.7, 2], [100, -0.7, 2]]);

    // Predictions exist where the person is seen, and only there: person 2 is gone after frame 119, person 1 is not.
    const first = await framePredictions(project, VIDEO, FIRST_PERSON, ANA);
    const second = await framePredictions(project, VIDEO, P2, ANA);
    expect(first[150]?.face).toBe(true);
    expect(second[150]).toMatchObject({ face: false, valence: null });
    expect(second[9]?.face).toBe(true);
    expect(first[9]?.face).toBe(false);
    // On their own labelled frames each person's prediction follows their own labels, not the other's.
    for (const frame of [10, 50, 90]) expect(first[frame]?.valence).toBeGreaterThan(0.5);
    for (const frame of [10, 60, 100]) expect(second[frame]?.valence).toBeLessThan(-0.4);

    await refreshRunsForExport(project, {});
    const [header, ...rows] = parseCsv(tablesToCsv(frameTables(project.db, {}))).map((record) => record.fields);
    const column = (name: string) => (header as string[]).indexOf(name);
    const byPerson = (id: string) => rows.filter((row) => row[column('person_id')] === id);
    expect(byPerson('1')).toHaveLength(200);
    expect(byPerson('2')).toHaveLength(200);
    const human = (id: string) => byPerson(id).filter((row) => row[column('source')] === 'human').map((row) => [row[column('frame')], row[column('valence')], row[column('person')]]);
    expect(human('1')).toEqual([['10', '0.8', 'Person 1'], ['50', '0.8', 'Person 1'], ['90', '0.8', 'Person 1']]);
    expect(human('2')).toEqual([['10', '-0.7', 'Person 2'], ['60', '-0.7', 'Person 2'], ['100', '-0.7', 'Person 2']]);
    // Person 2's frame 150 has no face of theirs: no prediction, though person 1 is predicted there.
    expect(byPerson('2').find((row) => row[column('frame')] === '150')?.[column('source')]).toBe('');
    expect(byPerson('1').find((row) => row[column('frame')] === '150')?.[column('source')]).toBe('predicted');
  });

  it('makes a caller name the person of a video with several, and names them', async () => {
    const project = open();
    await expect(chosenPerson(project, VIDEO, undefined)).rejects.toThrow(
      /^session-1\.mp4 \(video 1\) has 2 persons: 1 \(Person 1\), 2 \(Person 2\); choose one \(--person ID on the command line\)\.$/,
    );
    await expect(listLabels(project, VIDEO, 3 as PersonId)).rejects.toThrow(/^session-1\.mp4 \(video 1\) has no person 3; its persons are 1 \(Person 1\), 2 \(Person 2\)\.$/);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-persons-out-'));
    await expect(startExport(project, { format: 'csv', folder, name: 'x.csv', videoId: VIDEO })).rejects.toThrow(/has 2 persons: 1 \(Person 1\), 2 \(Person 2\)/);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('predicts from the merged faces at once after a merge, and a click then finds the one person', async () => {
    const project = open();
    await label(project, FIRST_PERSON, [20], 0.5);
    expect((await framePredictions(project, VIDEO, FIRST_PERSON, ANA))[9]?.face).toBe(false);
    expect(await personAt(project, VIDEO, 9, 440, 130)).toBe(2);
    await mergePersons(project, VIDEO, FIRST_PERSON, P2);
    expect((await listPersons(project, VIDEO)).map((p) => p.personId)).toEqual([1]);
    // Frame 9 had only person 2's face: now it is person 1's, and predicted.
    expect((await framePredictions(project, VIDEO, FIRST_PERSON, ANA))[9]?.face).toBe(true);
    expect(await personAt(project, VIDEO, 9, 440, 130)).toBe(1);
  });
});

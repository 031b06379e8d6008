import { afterEach, describe, expect, it } from 'vitest';
import { addPredictions, addVideo, newSession } from '../../../test/support/labelProject';
import type { AnnotatorId } from '../ids';
import { ensureAnnotator } from '../store/annotatorStore';
import { appendLabels } from '../store/labelStore';
import type { ProjectSession } from '../studio/projectSession';
import { getAnnotatorView, setAnnotatorView } from '../store/annotatorStore';
import { latestPredictionRun, visibleLabels } from './annotatorView';

let session: ProjectSession;
afterEach(() => session.close());

describe('blind mode', () => {
  it('stores the active annotator per project and shows a blind viewer only their own labels', async () => {
    session = newSession();
    const { db } = session;
    const video = addVideo(session, 'clip.mp4', 10);
    const ana = ensureAnnotator(db, 'Ana', 'human').id;
    const ben = ensureAnnotator(db, 'Ben', 'human').id;
    for (const annotatorId of [ana, ben]) appendLabels(db, [{ videoId: video, frameIndex: 1, annotatorId, valence: 0, arousal: 0, origin: 'manual' }]);

    expect(getAnnotatorView(db)).toEqual({ activeAnnotatorId: null, blind: false });
    expect(() => setAnnotatorView(db, { activeAnnotatorId: null, blind: true })).toThrow(/needs an active annotator/);
    expect(() => setAnnotatorView(db, { activeAnnotatorId: 99 as AnnotatorId, blind: false })).toThrow(/no annotator 99/);
    expect(visibleLabels(db, video, { viewer: ana })).toHaveLength(2);

    expect(setAnnotatorView(db, { activeAnnotatorId: ana, blind: true })).toEqual({ activeAnnotatorId: ana, blind: true });
    expect(visibleLabels(db, video, { viewer: ana }).map((l) => l.annotatorId)).toEqual([ana]);
    expect(() => visibleLabels(db, video, { viewer: ana, annotatorId: ben })).toThrow(/Blind mode is on/);
    // Without a viewer (exports, agreement, the lead's review) everything stays visible.
    expect(visibleLabels(db, video, {})).toHaveLength(2);

    // A run says whose labels trained it; a blind viewer sees only runs trained on their labels alone.
    const trainedOnBoth = addPredictions(session, video, 10, { trainingAnnotatorIds: [ana, ben] });
    expect(latestPredictionRun(db, video, ana)).toBeNull();
    expect(latestPredictionRun(db, video)?.runId).toBe(trainedOnBoth);
    const trainedOnAna = addPredictions(session, video, 10, { trainingAnnotatorIds: [ana] });
    addPredictions(session, video, 10, {});
    expect(latestPredictionRun(db, video, ana)?.runId).toBe(trainedOnAna);
    expect(latestPredictionRun(db, video, ben)).toBeNull();

    setAnnotatorView(db, { activeAnnotatorId: ana, blind: false });
    expect(visibleLabels(db, video, { viewer: ana })).toHaveLength(2);
  });
});

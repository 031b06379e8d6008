import { afterEach, describe, expect, it } from 'vitest';
import { addVideo, newSession } from '../../../test/support/labelProject';
import { annotatorView, applyLabels, listLabels, setAnnotatorView } from '../app/labels';
import type { AnnotatorId } from '../ids';
import { ensureAnnotator } from '../store/annotatorStore';
import type { ProjectSession } from '../studio/projectSession';
import { predictionAnnotator } from './annotatorView';
import { FIRST_PERSON } from '../store/personStore';

let session: ProjectSession;
afterEach(() => session.close());

describe('blind mode', () => {
  it('stores the active annotator per project and shows a blind viewer only their own labels', async () => {
    session = newSession();
    const video = addVideo(session, 'clip.mp4', 10);
    const ana = ensureAnnotator(session.db, 'Ana', 'human').id;
    const ben = ensureAnnotator(session.db, 'Ben', 'human').id;
    for (const annotatorId of [ana, ben]) {
      await applyLabels(session, { videoId: video, personId: FIRST_PERSON, annotatorId, origin: 'manual', sets: [{ frameIndex: 1, valence: 0, arousal: 0 }], deletes: [] });
    }

    expect(await annotatorView(session)).toEqual({ activeAnnotatorId: null, blind: false });
    await expect(setAnnotatorView(session, { activeAnnotatorId: null, blind: true })).rejects.toThrow(/needs an active annotator/);
    await expect(setAnnotatorView(session, { activeAnnotatorId: 99 as AnnotatorId, blind: false })).rejects.toThrow(/no annotator 99/);
    expect(await listLabels(session, video, FIRST_PERSON, { viewer: ana })).toHaveLength(2);

    expect(await setAnnotatorView(session, { activeAnnotatorId: ana, blind: true })).toEqual({ activeAnnotatorId: ana, blind: true });
    expect((await listLabels(session, video, FIRST_PERSON, { viewer: ana })).map((l) => l.annotatorId)).toEqual([ana]);
    await expect(listLabels(session, video, FIRST_PERSON, { viewer: ana, annotatorId: ben })).rejects.toThrow(/Blind mode is on/);
    // Without a viewer (exports, agreement, the lead's review) everything stays visible.
    expect(await listLabels(session, video, FIRST_PERSON)).toHaveLength(2);

    await setAnnotatorView(session, { activeAnnotatorId: ana, blind: false });
    expect(await listLabels(session, video, FIRST_PERSON, { viewer: ana })).toHaveLength(2);
  });
});

describe('whose predictions an export shows', () => {
  const ana = { id: 1 as AnnotatorId, name: 'Ana', kind: 'human' as const };
  const ben = { id: 2 as AnnotatorId, name: 'Ben', kind: 'human' as const };
  const imported = { id: 3 as AnnotatorId, name: 'AFEW-VA', kind: 'import' as const };
  const nobody = { activeAnnotatorId: null, blind: false };

  it("the exported annotator's, else the active annotator's, else the only human's, else nobody's", () => {
    expect(predictionAnnotator([ana, ben], { activeAnnotatorId: ben.id, blind: false }, 'Ana')).toBe(ana.id);
    expect(predictionAnnotator([ana, ben], nobody, 'Carl')).toBeNull();
    expect(predictionAnnotator([ana, ben], { activeAnnotatorId: ben.id, blind: false })).toBe(ben.id);
    expect(predictionAnnotator([ana, imported], nobody)).toBe(ana.id);
    expect(predictionAnnotator([ana, ben], nobody)).toBeNull();
  });
});

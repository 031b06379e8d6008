/** AFEW-VA clips onto a real project's videos: found in AFEW-VA's own layout, mapped, checked whole, saved whole. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addVideo, newSession, tempDir } from '../../../test/support/labelProject';
import type { VideoId } from '../ids';
import { currentLabels } from '../store/labelStore';
import { listFrames, listVideos } from '../store/videoStore';
import type { ProjectSession } from '../studio/projectSession';
import { checkAfewVa, findAfewVaSources } from './afewVaImport';
import { importLabels } from './labelImport';

const sessions: ProjectSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

const landmarks = Array.from({ length: 68 }, (_, i) => [10 + i, 20 + i]);

/** A clip as AFEW-VA ships it: `<part>/<clip>/` with `NNNNN.png` frames and `<clip>.json` (values on [-10, 10]). */
function writeClip(root: string, part: string, clip: string, frames: Record<string, [number, number]> | string): string {
  const dir = path.join(root, part, clip);
  fs.mkdirSync(dir, { recursive: true });
  const json =
    typeof frames === 'string'
      ? frames
      : JSON.stringify({
          actor: 'Some Actor',
          frames: Object.fromEntries(Object.entries(frames).map(([key, [valence, arousal]]) => [key, { arousal, landmarks, valence }])),
          video_id: clip,
        });
  for (const key of typeof frames === 'string' ? [] : Object.keys(frames)) fs.writeFileSync(path.join(dir, `${key}.png`), '');
  fs.writeFileSync(path.join(dir, `${clip}.json`), json);
  return dir;
}

function project() {
  const s = newSession();
  sessions.push(s);
  const root = path.join(tempDir(), 'AFEW-VA');
  writeClip(root, '01', '001', { '00000': [3, -10], '00001': [0, 2.5], '00002': [-4, 7] });
  writeClip(root, '01', '002', { '00000': [10, 10], '00003': [-10, -1] });
  // 001 was imported as its folder of frames ("AFEW-VA 001"); 002 as a video file named after the clip.
  const first = addVideo(s, 'AFEW-VA 001', 3, { folder: path.join(root, '01', '001') });
  const second = addVideo(s, '002.mp4', 5);
  return { s, root, first, second };
}

const check = (s: ProjectSession, root: string, clips?: { clip: string; videoId: VideoId | null }[]) =>
  checkAfewVa(findAfewVaSources(root), { videos: listVideos(s.db), frames: (id) => listFrames(s.db, id) }, clips, 4);

const labelsOf = (s: ProjectSession, video: VideoId) => currentLabels(s.db, video).map((l) => [l.frameIndex, l.valence, l.arousal]);

describe('AFEW-VA import onto the project', () => {
  it('finds the clips in the dataset folder, matches them to videos by name, previews both scales and imports them', () => {
    const { s, root, first, second } = project();
    const found = check(s, root);
    expect(found.errors).toEqual([]);
    expect(found.clips.map(({ clip, frames, videoId }) => [clip, frames, videoId])).toEqual([['001', 3, first], ['002', 2, second]]);
    expect(found.rows.map(({ clip, key, frameIndex, valence10, arousal10, valence, arousal }) => [clip, key, frameIndex, valence10, arousal10, valence, arousal])).toEqual([
      ['001', '00000', 0, 3, -10, 0.3, -1],
      ['001', '00001', 1, 0, 2.5, 0, 0.25],
      ['001', '00002', 2, -4, 7, -0.4, 0.7],
      ['002', '00000', 0, 10, 10, 1, 1],
    ]);
    expect(found.labels).toHaveLength(5);

    expect(importLabels(s.db, root, { format: 'afew-va' })).toEqual({ labels: 5, annotators: ['AFEW-VA'], videoIds: [first, second] });
    expect(labelsOf(s, first)).toEqual([[0, 0.3, -1], [1, 0, 0.25], [2, -0.4, 0.7]]);
    expect(labelsOf(s, second)).toEqual([[0, 1, 1], [3, -1, -0.1]]);
  });

  it('lists every clip\'s problem at once and saves nothing', () => {
    const { s, root, first, second } = project();
    writeClip(root, '02', '003', '{"frames": {"00000": {"valence": 11, "arousal": 0}}}');
    writeClip(root, '02', '004', { '00009': [1, 1] });
    // 004 is mapped onto the 5-frame video, which has no frame 00009; 003 is out of AFEW-VA's range.
    const clips = [{ clip: '004', videoId: second }, { clip: '002', videoId: null }];
    const found = check(s, root, clips);
    expect(found.errors).toEqual([
      expect.stringMatching(/^clip 003: 003\.json is not an AFEW-VA label file: frames\.00000\.valence/),
      expect.stringMatching(/^clip 004: 002\.mp4 has no frame 00009 \(1 of the clip's 1 frames\)/),
    ]);
    expect(found.clips.find((c) => c.clip === '002')?.videoId).toBeNull();
    expect(() => importLabels(s.db, root, { format: 'afew-va', clips })).toThrow(/nothing was saved[\s\S]*clip 003[\s\S]*clip 004: 002\.mp4 has no frame 00009/);
    expect([...labelsOf(s, first), ...labelsOf(s, second)]).toEqual([]);
  });

  it('refuses two clips on one video, and a dataset no clip of which is in the project', () => {
    const { s, root, first } = project();
    expect(check(s, root, [{ clip: '001', videoId: first }, { clip: '002', videoId: first }]).errors).toEqual([
      expect.stringMatching(/^clip 002: AFEW-VA 001 already takes clip 001's labels/),
    ]);
    expect(check(s, root, [{ clip: '001', videoId: null }, { clip: '002', videoId: null }]).errors).toEqual([expect.stringMatching(/^No clip is mapped to a video/)]);
  });

  it('takes one clip\'s JSON onto a named video, and refuses a folder that holds no clip', () => {
    const { s, root, second } = project();
    const json = path.join(root, '01', '002', '002.json');
    expect(findAfewVaSources(json)).toEqual([{ clip: '002', jsonFile: json }]);
    expect(importLabels(s.db, json, { format: 'afew-va', videoId: second })).toMatchObject({ labels: 2, videoIds: [second] });
    expect(() => importLabels(s.db, root, { format: 'afew-va', videoId: second })).toThrow(/holds 2 AFEW-VA clips and one video takes one clip/);
    expect(() => findAfewVaSources(tempDir())).toThrow(/holds no AFEW-VA clip/);
  });
});

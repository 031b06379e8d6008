/**
 * `affect-studio persons` and `--person` on a real project file with two people in one video: list, rename,
 * choose, split and merge, and the commands about one person (label, predictions, suggest, export) refuse to
 * guess which one when a video has two.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cliInProcess as cli } from '../../test/support/cliInProcess';
import { buildSyntheticProject } from '../../test/support/syntheticProject';
import { addSecondPerson } from '../../test/support/twoPersons';
import type { VideoId } from '../core/ids';
import { PROJECT_DB_FILE } from '../core/store/projectFolder';

interface Listed {
  videoId: number;
  persons: { personId: number; name: string; coded: boolean; framesVisible: number }[];
}

let dir: string;
beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-persons-')), 'study');
  buildSyntheticProject(dir, { videos: 1, framesPerVideo: 200, labelsPerVideo: 0, annotators: 1, analysedVideos: 1 });
  addSecondPerson(path.join(dir, PROJECT_DB_FILE), 1 as VideoId, { from: 0, to: 120 });
});

const listed = async () => {
  const { code, out, err } = await cli(['persons', dir, '--video', '1', '--json']);
  expect(code, err).toBe(0);
  return (JSON.parse(out) as Listed).persons;
};

describe('persons command', () => {
  it('lists, renames, chooses, splits and merges the persons of a video', async () => {
    const table = await cli(['persons', dir, '--video', '1']);
    expect(table.out).toBe('person\tname\tframes visible\tcoded\n1\tPerson 1\t180\tyes\n2\tPerson 2\t120\tyes\n');

    expect((await cli(['persons', 'rename', dir, '--video', '1', '--person', '2', '--name', 'child'])).code).toBe(0);
    expect((await cli(['persons', 'choose', dir, '--video', '1', '--person', '1', '--coded', 'off'])).code).toBe(0);
    expect(await listed()).toEqual([
      { personId: 1, name: 'Person 1', coded: false, framesVisible: 180 },
      { personId: 2, name: 'child', coded: true, framesVisible: 120 },
    ]);

    expect((await cli(['label', dir, '--video', '1', '--person', '2', '--frame', '100', '--valence', '0.5', '--arousal', '0.1'])).code).toBe(0);
    const split = await cli(['persons', 'split', dir, '--video', '1', '--person', '2', '--frame', '60', '--json']);
    expect(split.code, split.err).toBe(0);
    expect(JSON.parse(split.out)).toMatchObject({ newPersonId: 3, labelsMoved: 1, facesMoved: 60 });

    const merged = await cli(['persons', 'merge', dir, '--video', '1', '--person', '2', '--from', '3']);
    expect(merged.code, merged.err).toBe(0);
    expect(merged.out).toBe('60 face(s) and 1 label(s) changed person\nperson\tname\tframes visible\tcoded\n1\tPerson 1\t180\tno\n2\tchild\t120\tyes\n');
    const labels = await cli(['export', dir, '--format', 'csv', '--out', path.join(dir, 'child.csv'), '--video', '1', '--person', '2']);
    expect(labels.code, labels.err).toBe(0);
    const human = fs.readFileSync(path.join(dir, 'child.csv'), 'utf8').split('\r\n').filter((line) => line.includes(',human,'));
    expect(human).toHaveLength(1);
    expect(human[0]).toMatch(/^1,session-1\.mp4,2,child,100,/);
  });

  it('refuses to guess the person of a two-person video, and names the persons', async () => {
    const named = /video 1\) has 2 persons: 1 \(Person 1\), 2 \(Person 2\); choose one \(--person ID on the command line\)\.\n$/;
    for (const args of [
      ['label', dir, '--video', '1', '--frame', '3', '--valence', '0.1', '--arousal', '0.1'],
      ['predictions', dir, '--video', '1'],
      ['suggest', dir, '--video', '1'],
      ['export', dir, '--format', 'csv', '--out', path.join(dir, 'all.csv'), '--video', '1'],
    ]) {
      const { code, err } = await cli(args);
      expect(code, args[0]).toBe(1);
      expect(err, args[0]).toMatch(named);
    }
    expect(fs.existsSync(path.join(dir, 'all.csv'))).toBe(false);
    const unknown = await cli(['predictions', dir, '--video', '1', '--person', '7']);
    expect(unknown).toMatchObject({ code: 1, err: 'affect-studio: session-1.mp4 (video 1) has no person 7; its persons are 1 (Person 1), 2 (Person 2).\n' });
    const refused = await cli(['persons', 'merge', dir, '--video', '1', '--person', '1', '--from', '1']);
    expect(refused).toMatchObject({ code: 1, err: 'affect-studio: Person 1 cannot be merged into itself; name two different persons.\n' });
  });

  it('is called wrongly without what a subcommand needs (exit 2), and opens nothing then', async () => {
    for (const [args, message] of [
      [['persons', dir], /persons needs --video ID/],
      [['persons', 'split', dir, '--video', '1', '--person', '1'], /persons split needs either --frame N \(from that frame on\) or --track ID/],
      [['persons', 'choose', dir, '--video', '1', '--person', '1', '--coded', 'maybe'], /persons choose needs --coded on or --coded off/],
      [['persons', 'rename', dir, '--video', '1', '--name', 'x'], /persons rename needs --person ID/],
      [['label', dir, '--video', '1', '--person', '0', '--frame', '3', '--valence', '0', '--arousal', '0'], /--person must be a person of the video/],
    ] as const) {
      const { code, err } = await cli([...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toMatch(message);
    }
  });
});

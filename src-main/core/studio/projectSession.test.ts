/**
 * What opening a project checks: a large project is checked in a worker while writes are refused with a clear
 * sentence, then becomes writable (or stays read-only when damaged).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSyntheticProject, damagePages, leafPages } from '../../../test/support/syntheticProject';
import type { AnnotatorId, VideoId } from '../ids';
import { appendLabel } from '../store/labelStore';
import type { ProjectAccess } from '../store/projectAccess';
import { ProjectSession } from './projectSession';
import { FIRST_PERSON } from '../store/personStore';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-session-'));
const label = (session: ProjectSession) => () =>
  appendLabel(session.db, { videoId: 1 as VideoId, personId: FIRST_PERSON, frameIndex: 2, annotatorId: 1 as AnnotatorId, valence: 0.1, arousal: 0.2, origin: 'manual' });

function project(damaged: boolean): string {
  const dir = path.join(tempDir(), 'study');
  const { file } = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 200, labelsPerVideo: 100, annotators: 1, analysedVideos: 0 });
  if (damaged) damagePages(file, [leafPages(file, 'labels').at(-1) as number]);
  return dir;
}

describe('opening a project', () => {
  it('checks a large project in the background, refusing writes until it passes, then saves', async () => {
    const changes: ProjectAccess[] = [];
    const session = ProjectSession.open(project(false), { syncCheckMaxBytes: 0, onAccessChange: (access) => changes.push(access) });
    try {
      expect(session.access).toEqual({ mode: 'read-only', reason: 'it is still being checked for damage; saving works again in a few seconds' });
      expect(label(session)).toThrow('Not saved: this project is open read-only because it is still being checked for damage; saving works again in a few seconds.');
      expect(await session.checked).toEqual({ mode: 'read-write' });
      expect(changes).toEqual([{ mode: 'read-write' }]);
      expect(label(session)()).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  it('keeps a damaged large project read-only once the background check finds the damage', async () => {
    const changes: ProjectAccess[] = [];
    const session = ProjectSession.open(project(true), { syncCheckMaxBytes: 0, onAccessChange: (access) => changes.push(access) });
    try {
      const access = await session.checked;
      expect(access.mode).toBe('read-only');
      expect(changes).toEqual([access]);
      expect(label(session)).toThrow(/^Not saved: this project is open read-only because its database is damaged \(/);
    } finally {
      await session.close();
    }
  });

  it('stops the background check when the project is closed before it ends', async () => {
    const changes: ProjectAccess[] = [];
    const session = ProjectSession.open(project(false), { syncCheckMaxBytes: 0, onAccessChange: (access) => changes.push(access) });
    await session.close();
    expect((await session.checked).mode).toBe('read-only');
    expect(changes).toEqual([]);
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile, hashFolderFrames } from './contentHash';
import { testVideo } from '../../../test/support/testMedia';

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-hash-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content);
  return dir;
}

describe('hashFile', () => {
  it('is the SHA-256 of the whole file', async () => {
    const file = testVideo('WolfgangLanger_Pexels.mp4');
    expect(await hashFile(file)).toBe(createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
    expect(await hashFile(testVideo('single_face.mp4'))).not.toBe(await hashFile(file));
  });

  it('names a missing file and stops when cancelled', async () => {
    const missing = path.join(tmp, 'moved.mp4');
    await expect(hashFile(missing)).rejects.toThrow(`${missing} does not exist`);
    await expect(hashFile(testVideo('noface_face.mov'), AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('hashFolderFrames', () => {
  it('depends on the frames’ names, contents and order, and on nothing else', async () => {
    const base = await hashFolderFrames(folder('a', { '1.png': 'one', '2.png': 'two' }), ['1.png', '2.png']);
    expect(await hashFolderFrames(folder('a-moved', { '1.png': 'one', '2.png': 'two', 'notes.txt': 'x' }), ['1.png', '2.png'])).toBe(base);
    const others = [
      await hashFolderFrames(folder('renamed', { '1.png': 'one', '3.png': 'two' }), ['1.png', '3.png']),
      await hashFolderFrames(folder('edited', { '1.png': 'one', '2.png': 'TWO' }), ['1.png', '2.png']),
      await hashFolderFrames(folder('a-reordered', { '1.png': 'one', '2.png': 'two' }), ['2.png', '1.png']),
      // The same bytes split differently between the frames.
      await hashFolderFrames(folder('shifted', { '1.png': 'on', '2.png': 'etwo' }), ['1.png', '2.png']),
    ];
    expect(new Set([base, ...others]).size).toBe(5);
  });

  it('names a frame that is missing', async () => {
    const dir = folder('gap', { '1.png': 'one' });
    await expect(hashFolderFrames(dir, ['1.png', '2.png'])).rejects.toThrow(`${path.join(dir, '2.png')} does not exist`);
  });
});

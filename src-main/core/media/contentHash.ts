/**
 * Content hashes identify media independently of where it lives, so a project can relink a video (or a frame
 * folder) that was moved or renamed. SHA-256 over a stream: a 4 GB video is never held in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { StudioError } from '../errors';
import { assertInputFile } from './inputFile';

export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  assertInputFile(file);
  const hash = createHash('sha256');
  await feed(hash, file, signal);
  return hash.digest('hex');
}

/**
 * One hash for an image sequence: each frame's name and size, then its bytes, in the given (frame) order.
 * Names count because they carry the frame numbers; sizes frame the contents so that moving bytes from one
 * file to the next cannot produce the same hash.
 */
export async function hashFolderFrames(dir: string, files: readonly string[], signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for (const name of files) {
    const file = path.join(dir, name);
    assertInputFile(file);
    hash.update(`${name}\0${fs.statSync(file).size}\0`);
    await feed(hash, file, signal);
  }
  return hash.digest('hex');
}

async function feed(hash: Hash, file: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    await pipeline(fs.createReadStream(file), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) hash.update(chunk);
    }, { signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new StudioError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

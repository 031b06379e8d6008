import fs from 'node:fs';
import { StudioError } from '../errors';

/** Fails with the message a user needs before any tool runs: tools phrase a missing path far less clearly. */
export function assertInputFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new StudioError(`${file} does not exist. Check the path, or relink the file if it was moved.`);
  }
  if (stat.isDirectory()) throw new StudioError(`${file} is a folder, not a file.`);
}

import path from 'node:path';
import { StudioError } from '../errors';

/**
 * Checks a path that came from a user (a form field, a CLI argument, a message from the UI) and returns it
 * normalised. Relative paths are refused unless a base is given, because "relative to what?" has no good
 * answer across the Electron, browser and CLI front ends.
 */
export function resolveUserPath(input: string, base?: string): string {
  if (input.trim() === '') throw new StudioError('No path was given.');
  if (input.includes('\0')) throw new StudioError('The path contains a NUL byte.');
  if (!path.isAbsolute(input)) {
    if (base === undefined) throw new StudioError(`"${input}" is not an absolute path.`);
    return path.resolve(base, input);
  }
  return path.resolve(input);
}

/** True when `child` is `parent` or lies inside it (after normalisation; no `..` escapes). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(path.resolve(parent), path.resolve(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

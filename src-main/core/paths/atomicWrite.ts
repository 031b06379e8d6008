import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes a whole file or nothing: a temp file in the same folder, fsync'd, then renamed over the target.
 * A crash or a full disk mid-write leaves the previous file intact. The temp file is created exclusively, so a
 * file or link planted under its name is never written through. `beforeRename` runs once the bytes are safe
 * and may still refuse (throw): exports check the target again at this last moment.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, beforeRename?: () => void): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(temp, 'wx');
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    beforeRename?.();
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

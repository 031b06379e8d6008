/**
 * How the studio knows a file is its own: every file an export writes is recorded (absolute path, size, SHA-256
 * of the bytes) in a JSON-lines file in the studio's settings folder, and an export replaces an existing file
 * only while it is still byte for byte what the studio wrote there. A file the studio never wrote, or one edited
 * since, is someone's work and is never replaced, whatever `overwrite` says.
 *
 * Why the settings folder and not the project: an export from a read-only project must be recorded too, and a
 * file exported from one project is still the studio's when another project exports over it. Why append-only
 * lines: several studio processes (the app, a CLI run) may export at once, and a short O_APPEND write lands
 * whole. An entry is appended before the rename that puts its file in place, so a crash can leave an entry
 * without its file (harmless: no file has those bytes) but never a file of ours without its entry. A lost or
 * unreadable ledger only makes the studio refuse more, never replace more. Dataset exports add an entry per
 * image, so past COMPACT_ABOVE_BYTES the ledger is rewritten with only the newest entries of files that still
 * exist (an export racing the rewrite in another process may lose its entries: its files then count as foreign).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { writeFileAtomic } from '../paths/atomicWrite';

export const EXPORT_LEDGER_FILE = 'written-exports.jsonl';
/** Every check reads the whole ledger: keep it to a few milliseconds' reading. */
export const COMPACT_ABOVE_BYTES = 4 << 20;
/** Per path, the newest two: the file on disk and, should the studio have died before its rename, the one before. */
const ENTRIES_KEPT_PER_PATH = 2;

/** `ours`: still what the studio wrote; `changed`: the studio wrote this path but the bytes differ now. */
export type Ownership = 'ours' | 'changed' | 'foreign';

interface Entry {
  path: string;
  sizeBytes: number;
  sha256: string;
}

export class ExportLedger {
  readonly file: string;

  constructor(configDir: string) {
    this.file = path.join(configDir, EXPORT_LEDGER_FILE);
  }

  /** Records what is about to be written at each path (call it just before the rename). */
  record(written: readonly { path: string; data: string | Uint8Array }[]): void {
    this.append(
      written.map(({ path: file, data }) => {
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        return entryLine({ path: file, sizeBytes: bytes.byteLength, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
      }),
    );
  }

  /** Records files already on disk (a folder export built in a temp folder), under the paths they will have. */
  recordFiles(files: readonly { from: string; path: string }[]): void {
    this.append(files.map(({ from, path: file }) => entryLine({ path: file, sizeBytes: fs.statSync(from).size, sha256: hashFile(from) })));
  }

  /** Whose each existing regular file is; the ledger is read once for all of them, each file hashed at most once. */
  ownership(files: readonly string[]): Map<string, Ownership> {
    const known = this.read();
    return new Map(
      files.map((file) => {
        const versions = known.get(file);
        if (!versions) return [file, 'foreign'];
        const stat = fs.lstatSync(file);
        // Only a version of the same size can match; hashing is needed only then.
        const sameSize = stat.isFile() ? versions.filter((v) => v.sizeBytes === stat.size) : [];
        if (sameSize.length === 0) return [file, 'changed'];
        const sha256 = hashFile(file);
        return [file, sameSize.some((v) => v.sha256 === sha256) ? 'ours' : 'changed'];
      }),
    );
  }

  private append(lines: readonly string[]): void {
    const text = lines.join('');
    if (text === '') return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const fd = fs.openSync(this.file, 'a');
      try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (fs.statSync(this.file).size > COMPACT_ABOVE_BYTES) this.compact();
    } catch (error) {
      throw new StudioError(`Cannot record the export in ${this.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was written. Check that the studio's settings folder is writable.`, { cause: error });
    }
  }

  private compact(): void {
    const kept = [...this.read()]
      .filter(([file]) => fs.lstatSync(file, { throwIfNoEntry: false })?.isFile())
      .flatMap(([, entries]) => entries.slice(-ENTRIES_KEPT_PER_PATH));
    writeFileAtomic(this.file, kept.map(entryLine).join(''));
  }

  private read(): Map<string, Entry[]> {
    const byPath = new Map<string, Entry[]>();
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return byPath;
    }
    for (const line of text.split('\n')) {
      const entry = parseEntry(line);
      if (!entry) continue;
      const versions = byPath.get(entry.path);
      if (versions) versions.push(entry);
      else byPath.set(entry.path, [entry]);
    }
    return byPath;
  }
}

function entryLine(entry: Entry): string {
  return JSON.stringify(entry) + '\n';
}

/** A damaged line (a torn write, a hand edit) is skipped: it can only make a file look foreign. */
function parseEntry(line: string): Entry | null {
  try {
    const value = JSON.parse(line) as Partial<Entry>;
    return typeof value.path === 'string' && typeof value.sizeBytes === 'number' && typeof value.sha256 === 'string' ? (value as Entry) : null;
  } catch {
    return null;
  }
}

function hashFile(file: string): string {
  const hash = crypto.createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);
  const fd = fs.openSync(file, 'r');
  try {
    for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

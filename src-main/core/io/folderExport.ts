/**
 * A folder export written as a whole or not at all: everything goes into a hidden temp folder beside the target
 * (same parent, so the final rename stays on one file system), which is renamed into place once complete. The
 * rules of exportTarget.ts hold: a plain name inside the chosen folder, no symbolic links, nothing replaced
 * without `overwrite` (an existing empty folder is taken), and (a folder being far more to lose than a file) with
 * `overwrite` only a folder that an earlier export of the same kind wrote, and that holds nothing but files the
 * studio wrote there, unchanged (exportLedger.ts), is replaced: replacing it deletes every file inside.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { isInside } from '../paths/userPath';
import type { ExportLedger } from './exportLedger';
import { checkReplaceable as checkFilesReplaceable, resolveExportBase, type ExportTarget } from './exportTarget';

export interface FolderExportPlan {
  /** The folder the user chose, real path. */
  folder: string;
  /** The folder the export becomes. */
  base: string;
  overwrite: boolean;
  ledger: ExportLedger;
  isOurs: (dir: string) => boolean;
}

/** Every check that can be made before anything is written. `isOurs` tells an earlier export of this kind. */
export function planFolderExport(target: ExportTarget, isOurs: (dir: string) => boolean): FolderExportPlan {
  const { folder, base } = resolveExportBase(target);
  if (!isInside(folder, base) || base === folder) throw new StudioError(`${base} is outside ${folder}; exports stay inside the chosen folder.`);
  const plan = { folder, base, overwrite: target.overwrite, ledger: target.ledger, isOurs };
  checkReplaceable(plan);
  return plan;
}

/**
 * An existing target: an empty folder is taken, a non-empty one only with `overwrite`, only if every file in it
 * is one the studio wrote and nobody changed since, and only if it is an earlier export of this kind.
 */
function checkReplaceable(plan: FolderExportPlan): void {
  const { base } = plan;
  const stat = fs.lstatSync(base, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isSymbolicLink()) throw new StudioError(`${base} is a symbolic link; exports do not write through links.`);
  if (!stat.isDirectory()) throw new StudioError(`${base} exists and is not a folder.`);
  if (fs.readdirSync(base).length === 0) return;
  checkFilesReplaceable(plan, filesUnder(base), base);
  if (!plan.overwrite) throw new StudioError(`${base} already exists. Choose another name, or allow overwriting (--force).`);
  if (!plan.isOurs(base)) throw new StudioError(`${base} is not an earlier export of this kind; it is not replaced, even with --force. Choose another name.`);
}

/**
 * Runs `fill` on a fresh temp folder (named after `tag` when given: a job passes its id) and renames the result onto `plan.base` (an existing one, already approved
 * by planFolderExport, is moved aside first and deleted only once the new one is in place). Returns the files
 * written, as paths under the final folder. On any failure the temp folder is removed and the target untouched.
 */
export async function writeFolderExport(plan: FolderExportPlan, tag: string | undefined, fill: (dir: string) => Promise<string[]>): Promise<string[]> {
  const stamp = tag ?? `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const temp = path.join(plan.folder, `.${path.basename(plan.base)}.${stamp}.tmp`);
  // A tagged temp folder that exists is this export's own, left by a run that was killed: start it afresh.
  if (tag !== undefined) fs.rmSync(temp, { recursive: true, force: true });
  fs.mkdirSync(temp);
  let relative: string[];
  try {
    relative = await fill(temp);
    fsyncDir(temp);
    // Checked again at the last moment: the target may have appeared (or become a link) while we worked.
    checkReplaceable(plan);
    plan.ledger.recordFiles(filesUnder(temp).map((from) => ({ from, path: path.join(plan.base, path.relative(temp, from)) })));
    const old = fs.existsSync(plan.base) ? path.join(plan.folder, `.${path.basename(plan.base)}.${stamp}.old`) : null;
    if (old) fs.renameSync(plan.base, old);
    try {
      fs.renameSync(temp, plan.base);
    } catch (error) {
      if (old) fs.renameSync(old, plan.base);
      throw error;
    }
    fsyncDir(plan.folder);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return relative.map((file) => path.join(plan.base, file));
}

/** Every entry below `dir` that is not a folder (links and other oddities included: none is the studio's). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function fsyncDir(dir: string): void {
  // Directories cannot be opened for fsync on Windows; there the rename is as durable as the file system makes it.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

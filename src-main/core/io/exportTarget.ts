/**
 * Where an export may write. The user chooses a folder; everything written lands inside it (after resolving
 * symbolic links), nothing existing is replaced unless they said so and the studio wrote it (exportLedger.ts),
 * and each file is written atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import { writeFileAtomic } from '../paths/atomicWrite';
import { isInside, resolveUserPath } from '../paths/userPath';
import type { ExportLedger } from './exportLedger';

export interface ExportTarget {
  /** The folder the user chose (absolute). */
  folder: string;
  /** A file name inside it (or, for formats that write several files, the name of a folder to create). */
  name: string;
  overwrite: boolean;
  /** What the studio wrote before: only those files may be replaced. */
  ledger: ExportLedger;
}

export interface OutputFile {
  /** Relative to the target: '' for a single-file export, a plain file name for a folder export. */
  name: string;
  data: string;
}

/** The chosen folder (real path) and the export's own path in it, after the checks every export needs. */
export function resolveExportBase(target: ExportTarget): { folder: string; base: string } {
  const folder = requireExportFolder(target.folder);
  checkName(target.name);
  const base = path.join(folder, target.name);
  refuseLink(base);
  return { folder, base };
}

/**
 * The real path of the folder to export into, which must exist: an export never creates the user's folders, so a
 * typo in a path cannot scatter files, and the message names the folder to create.
 */
export function requireExportFolder(folderPath: string): string {
  const folder = resolveUserPath(folderPath);
  const stat = fs.statSync(folder, { throwIfNoEntry: false });
  if (!stat) throw new StudioError(`The folder ${folder} does not exist; create it first, or export into an existing folder.`);
  if (!stat.isDirectory()) throw new StudioError(`${folder} is a file, not a folder; export into a folder.`);
  return fs.realpathSync(folder);
}

/** Writes every file or, if any one is refused, none: all checks happen before the first write. */
export function writeExport(target: ExportTarget, files: readonly OutputFile[], kind: 'file' | 'folder'): string[] {
  const { folder, base } = resolveExportBase(target);
  if (kind === 'folder' && fs.existsSync(base) && !fs.statSync(base).isDirectory()) {
    throw new StudioError(`${base} exists and is not a folder.`);
  }
  const paths = files.map((file) => {
    if (kind === 'folder') checkName(file.name);
    const out = kind === 'folder' ? path.join(base, file.name) : base;
    refuseLink(out);
    if (!isInside(folder, out)) throw new StudioError(`${out} is outside ${folder}; exports stay inside the chosen folder.`);
    return out;
  });
  checkReplaceable(target, paths);
  if (kind === 'folder') fs.mkdirSync(base, { recursive: true });
  files.forEach((file, i) => {
    const out = paths[i] as string;
    writeFileAtomic(out, file.data, () => {
      // Again at the last moment: a file or link may have appeared at the target while we worked.
      refuseLink(out);
      checkReplaceable(target, [out]);
      target.ledger.record([{ path: out, data: file.data }]);
    });
  });
  return paths;
}

/**
 * Existing files among `files` may be replaced only with `overwrite` and only if the studio wrote them and
 * nobody changed them since; anything else is refused whatever `overwrite` says.
 */
export function checkReplaceable(target: Pick<ExportTarget, 'overwrite' | 'ledger'>, files: readonly string[], within?: string): void {
  const existing = files.filter((file) => fs.lstatSync(file, { throwIfNoEntry: false }));
  if (existing.length === 0) return;
  const replaced = `${within ?? 'it'} is not replaced, even with --force. Choose another name or move ${within === undefined ? 'it' : 'that file'}.`;
  for (const [file, owner] of target.ledger.ownership(existing)) {
    if (owner === 'foreign') throw new StudioError(`${file} was not written by Affect Studio, so ${replaced}`);
    if (owner === 'changed') {
      throw new StudioError(`${file} was changed after Affect Studio wrote it, so it is no longer the studio's file and ${replaced}`);
    }
  }
  if (!target.overwrite) {
    throw new StudioError(`${within ?? existing[0]} already exists. Choose another name, or allow overwriting (--force).`);
  }
}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new StudioError(`"${name}" is not a plain file name; give a name without folders or "..".`);
  }
}

/** A link could point anywhere, so exports neither write through one nor replace one. */
function refuseLink(file: string): void {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) throw new StudioError(`${file} is a symbolic link; exports do not write through links.`);
}

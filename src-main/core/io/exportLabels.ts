/** Every label export, from the API and the CLI alike: build the frame table, serialise, write safely. */
import { EXPORT_FORMATS, LABEL_FORMATS } from '../jobs/jobKinds';
import type { Db } from '../store/projectDb';
import { tablesToAfewVa } from './afewVaExport';
import { tablesToEaf } from './elanEaf';
import { resolveExportBase, writeExport, type ExportTarget } from './exportTarget';
import { frameTables, type TableOptions } from './frameTable';
import { tablesToNova } from './novaAnnotation';
import { tablesToCsv, tablesToJson } from './tableFormats';

export { EXPORT_FORMATS, LABEL_FORMATS };
export type LabelFormat = (typeof LABEL_FORMATS)[number];
/** Every export format: the label formats here, and `dataset` (face crops + labels + split; datasetExport.ts). */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Returns the files written. csv and json write the named file; the others a folder of that name. */
export function exportLabels(db: Db, format: LabelFormat, target: ExportTarget, options: TableOptions): string[] {
  const tables = frameTables(db, options);
  switch (format) {
    case 'csv':
      return writeExport(target, [{ name: '', data: tablesToCsv(tables) }], 'file');
    case 'json':
      return writeExport(target, [{ name: '', data: tablesToJson(tables) }], 'file');
    case 'afew-va':
      return writeExport(target, tablesToAfewVa(db, tables), 'folder');
    case 'nova':
      return writeExport(target, tablesToNova(tables), 'folder');
    case 'elan':
      // The .eaf links its time series by absolute path, so it needs to know where the folder will be.
      return writeExport(target, tablesToEaf(tables, resolveExportBase(target).base), 'folder');
  }
}

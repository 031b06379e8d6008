/** `affect-studio export` and `affect-studio import-labels`: labels out of and into a project. */
import path from 'node:path';
import { defaultConfigDir } from '../core/appDirs';
import { refreshRunsForExport } from '../core/app/predictions';
import type { VideoId } from '../core/ids';
import { exportDataset, type DatasetOptions } from '../core/io/datasetExport';
import { parseSplitRatios } from '../core/io/datasetSplit';
import { readSubjectsFile } from '../core/io/datasetSubjects';
import { EXPORT_FORMATS, exportLabels, type ExportFormat } from '../core/io/exportLabels';
import { ExportLedger } from '../core/io/exportLedger';
import { requireExportFolder, type ExportTarget } from '../core/io/exportTarget';
import { importLabels } from '../core/io/labelImport';
import { openSession } from './openSession';
import { rangeOption, UsageError, wholeOption, type CliIo, type Values } from './args';

export async function exportCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('export needs exactly one project folder');
  const format = values.format as ExportFormat | undefined;
  if (format === undefined || !EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.out === undefined) throw new UsageError('export needs --out (the file, or for afew-va, nova, elan and dataset the folder, to write)');
  const out = path.resolve(values.out);
  // Before any work (a dataset export crops every face first): the folder --out names must exist.
  requireExportFolder(path.dirname(out));
  if (format === 'dataset') return datasetCommand(values, project, out, io);
  const session = await openSession(project, io);
  try {
    await refreshRunsForExport(session, { videoId: videoOption(values), annotators: values.annotator });
    const files = exportLabels(
      session.db,
      format,
      exportTarget(out, values, io),
      { videoId: videoOption(values), annotator: singleAnnotator(values) },
    );
    io.out(values.json ? JSON.stringify({ files }) + '\n' : files.map((file) => `wrote ${file}\n`).join(''));
    return 0;
  } finally {
    await session.close();
  }
}

/** `export --format dataset`: face crops + labels + split; prints the folder and the counts, not every image. */
async function datasetCommand(values: Values, project: string, out: string, io: CliIo): Promise<number> {
  const options: DatasetOptions = {
    videoId: videoOption(values),
    annotators: values.annotator,
    predictions: values.predictions ?? false,
    cropSize: values['crop-size'] === undefined ? undefined : wholeOption('--crop-size', values['crop-size']),
    imageFormat: imageFormatOption(values['image-format']),
    split: values.split === undefined ? undefined : parseSplitRatios(values.split),
    seed: values.seed,
  };
  const session = await openSession(project, io);
  try {
    if (values.subjects !== undefined) options.subjects = readSubjectsFile(session.db, path.resolve(values.subjects));
    if (options.predictions) await refreshRunsForExport(session, { videoId: options.videoId, annotators: options.annotators });
    const result = await exportDataset(session.db, exportTarget(out, values, io), options);
    const { folder, images, rows, splits } = result;
    io.out(
      values.json
        ? JSON.stringify({ folder, images, rows, splits, files: result.files }) + '\n'
        : `wrote ${folder}: ${images} face images, ${rows} label rows (train ${splits.train.images}, val ${splits.val.images}, test ${splits.test.images} images)\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}

/** The folder the user chose is --out's parent: the export may write nowhere else. */
function exportTarget(out: string, values: Values, io: CliIo): ExportTarget {
  return { folder: path.dirname(out), name: path.basename(out), overwrite: values.force ?? false, ledger: new ExportLedger(defaultConfigDir(io.env)) };
}

function imageFormatOption(text: string | undefined): DatasetOptions['imageFormat'] {
  if (text === undefined) return undefined;
  const format = text.toLowerCase() === 'jpg' ? 'jpeg' : text.toLowerCase();
  if (format !== 'png' && format !== 'jpeg') throw new UsageError(`--image-format must be png or jpeg, not "${text}"`);
  return format;
}

export async function importLabelsCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, file, ...extra] = rest;
  if (project === undefined || file === undefined || extra.length > 0) throw new UsageError('import-labels needs a project folder and one file');
  const format = values.format ?? (file.toLowerCase().endsWith('.json') ? 'afew-va' : 'csv');
  if (format !== 'csv' && format !== 'afew-va') throw new UsageError(`--format must be csv or afew-va, not "${format}"`);
  // The call is checked whole before the project is opened.
  const options = { format, range: rangeOption(values.range), annotator: singleAnnotator(values), videoId: videoOption(values) } as const;
  const session = await openSession(project, io);
  try {
    const result = importLabels(session.db, path.resolve(file), options);
    io.out(
      values.json
        ? JSON.stringify(result) + '\n'
        : `imported ${result.labels} labels for ${result.annotators.join(', ') || 'no annotator'} on ${result.videoIds.length} video(s)\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}

export function videoOption(values: Values): VideoId | undefined {
  if (values.video === undefined) return undefined;
  const id = wholeOption('--video', values.video);
  if (id <= 0) throw new UsageError(`--video must be a video id (see "affect-studio videos"), not ${id}`);
  return id as VideoId;
}

function singleAnnotator(values: Values): string | undefined {
  const names = values.annotator ?? [];
  if (names.length > 1) throw new UsageError('give --annotator once here');
  return names[0];
}

/** Labels out (every export format) and in (CSV, AFEW-VA), over the same core the CLI uses. */
import { refreshRunsForExport } from '../../core/app/predictions';
import type { VideoId } from '../../core/ids';
import { exportDataset } from '../../core/io/datasetExport';
import { exportLabels } from '../../core/io/exportLabels';
import { importLabels } from '../../core/io/labelImport';
import { resolveUserPath } from '../../core/paths/userPath';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function exportHandlers({ sessions, events, exportLedger: ledger }: ApiServices) {
  return {
    'exports.write': async ({ project, format, folder, name, videoId, annotator, overwrite, dataset }) => {
      const session = sessions.get(project);
      const annotators = annotator !== undefined ? [annotator] : dataset?.annotators;
      if (format !== 'dataset' || dataset?.predictions) await refreshRunsForExport(session, { videoId: videoId as VideoId | undefined, annotators });
      if (format === 'dataset') {
        const { files } = await exportDataset(session.db, { folder, name, overwrite: overwrite ?? false, ledger }, {
          videoId: videoId as VideoId | undefined,
          annotators,
          predictions: dataset?.predictions,
          cropSize: dataset?.cropSize,
          imageFormat: dataset?.imageFormat,
          split: dataset?.split && { train: dataset.split[0], val: dataset.split[1], test: dataset.split[2] },
          seed: dataset?.seed,
          subjects: dataset?.subjects && new Map(Object.entries(dataset.subjects).map(([id, subject]) => [Number(id) as VideoId, subject])),
        });
        return { files };
      }
      const files = exportLabels(
        session.db,
        format,
        { folder, name, overwrite: overwrite ?? false, ledger },
        { videoId: videoId as VideoId | undefined, annotator },
      );
      return { files };
    },
    'labels.import': ({ project, file, format, range, annotator, videoId }) => {
      const session = sessions.get(project);
      const result = importLabels(session.db, resolveUserPath(file), { format, range, annotator, videoId: videoId as VideoId | undefined });
      events.emit('data.changed', { entity: 'labels', projectPath: session.dir });
      return result;
    },
  } satisfies Partial<Handlers>;
}

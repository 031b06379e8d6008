/** Labels out (every export format) and in (CSV, AFEW-VA), over the same core the CLI uses. */
import type { VideoId } from '../../core/ids';
import { exportLabels } from '../../core/io/exportLabels';
import { importLabels } from '../../core/io/labelImport';
import { resolveUserPath } from '../../core/paths/userPath';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function exportHandlers({ sessions, events }: ApiServices) {
  return {
    'exports.write': ({ project, format, folder, name, videoId, annotator, overwrite }) => {
      const files = exportLabels(
        sessions.get(project).db,
        format,
        { folder, name, overwrite: overwrite ?? false },
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

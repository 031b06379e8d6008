/** Assembles the API once per process: the handlers over the core, their dispatcher and the event hub. */
import { appVersion } from '../core/appVersion';
import { logUnexpected } from '../core/errorLog';
import { ExportLedger } from '../core/io/exportLedger';
import { RecentProjects } from '../core/store/recentProjects';
import { createDispatcher, type Dispatch } from './dispatcher';
import { EventHub } from './eventHub';
import { MediaFiles } from './mediaFiles';
import { ProjectSessions } from './projectSessions';
import { createHandlers, type ApiServices } from './handlers';

export interface StudioApi {
  dispatch: Dispatch;
  events: EventHub;
  /** The media files handed out as URLs; the transports serve them (with Range). */
  media: MediaFiles;
  /** Logs an error that is a bug and returns the one line to show instead (see errorLog.ts). */
  reportUnexpected: (context: string, error: unknown) => string;
  /** Stops running jobs (they resume on the next start) and closes every open project. */
  close(): Promise<void>;
}

export function createStudioApi(options: {
  mode: ApiServices['mode'];
  configDir: string;
  chooseFolder?: ApiServices['chooseFolder'];
  showInFolder?: ApiServices['showInFolder'];
}): StudioApi {
  const events = new EventHub();
  const reportUnexpected = (context: string, error: unknown) => logUnexpected(options.configDir, context, error);
  const exportLedger = new ExportLedger(options.configDir);
  const sessions = new ProjectSessions(events, reportUnexpected, exportLedger);
  const media = new MediaFiles();
  const handlers = createHandlers({
    sessions,
    mode: options.mode,
    appVersion: appVersion(),
    recent: new RecentProjects(options.configDir),
    exportLedger,
    events,
    media,
    chooseFolder: options.chooseFolder,
    showInFolder: options.showInFolder,
  });
  return { dispatch: createDispatcher(handlers, reportUnexpected), events, media, reportUnexpected, close: () => sessions.closeAll() };
}

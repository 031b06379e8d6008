/** Assembles the API once per process: the handlers over the core, their dispatcher and the event hub. */
import { appVersion } from '../core/appVersion';
import { ExportLedger } from '../core/io/exportLedger';
import { RecentProjects } from '../core/project/recentProjects';
import { createDispatcher, type Dispatch } from './dispatcher';
import { EventHub } from './eventHub';
import { ProjectSessions } from './projectSessions';
import { createHandlers, type ApiServices } from './handlers';

export interface StudioApi {
  dispatch: Dispatch;
  events: EventHub;
  /** Stops running jobs (they resume on the next start) and closes every open project. */
  close(): Promise<void>;
}

export function createStudioApi(options: {
  mode: ApiServices['mode'];
  configDir: string;
  chooseFolder?: ApiServices['chooseFolder'];
}): StudioApi {
  const events = new EventHub();
  const sessions = new ProjectSessions(events);
  const handlers = createHandlers({
    sessions,
    mode: options.mode,
    appVersion: appVersion(),
    recent: new RecentProjects(options.configDir),
    exportLedger: new ExportLedger(options.configDir),
    events,
    chooseFolder: options.chooseFolder,
  });
  return { dispatch: createDispatcher(handlers), events, close: () => sessions.closeAll() };
}

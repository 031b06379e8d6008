/** Assembles the API once per process: the handlers over the core, their dispatcher and the event hub. */
import { appVersion } from '../core/appVersion';
import { RecentProjects } from '../core/project/recentProjects';
import { createDispatcher, type Dispatch } from './dispatcher';
import { EventHub } from './eventHub';
import { createHandlers, type ApiServices } from './handlers';

export interface StudioApi {
  dispatch: Dispatch;
  events: EventHub;
}

export function createStudioApi(options: {
  mode: ApiServices['mode'];
  configDir: string;
  chooseFolder?: ApiServices['chooseFolder'];
}): StudioApi {
  const events = new EventHub();
  const handlers = createHandlers({
    mode: options.mode,
    appVersion: appVersion(),
    recent: new RecentProjects(options.configDir),
    events,
    chooseFolder: options.chooseFolder,
  });
  return { dispatch: createDispatcher(handlers), events };
}

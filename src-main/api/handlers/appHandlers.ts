/** The app itself and its projects: info, recent list, create/open, the folder picker, showing an export's file. */
import { defaultProjectsDir } from '../../core/appDirs';
import { exportedFile } from '../../core/app/exports';
import { createProjectFolder, forgetRecent, recentProjects, rememberOpened } from '../../core/app/projects';
import { API_VERSION } from '../contract';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function appHandlers(services: ApiServices) {
  const { recent, events } = services;
  // Opening the session here (not on the first later call) checks the project now, so the UI learns at once
  // whether it is read-only.
  const open = (dir: string) => {
    const session = services.sessions.get(dir);
    rememberOpened(recent, session.info);
    events.emit('data.changed', { entity: 'recentProjects' });
    return { ...session.info, access: session.access };
  };

  return {
    'app.info': () => ({
      name: 'Affect Studio',
      version: services.appVersion,
      apiVersion: API_VERSION,
      mode: services.mode,
      platform: process.platform,
      defaultProjectsDir: defaultProjectsDir(),
      nativeDialogs: services.chooseFolder !== undefined,
    }),
    'projects.recent': () => recentProjects(recent),
    'projects.create': ({ dir, name }) => {
      createProjectFolder(recent, dir, name);
      return open(dir);
    },
    'projects.open': ({ dir }) => open(dir),
    'projects.forgetRecent': ({ dir }) => {
      const left = forgetRecent(recent, dir);
      events.emit('data.changed', { entity: 'recentProjects' });
      return left;
    },
    'dialog.chooseFolder': async ({ title }) => ({
      path: services.chooseFolder ? await services.chooseFolder(title) : null,
    }),
    'dialog.showInFolder': ({ path }) => {
      if (!services.showInFolder) return { shown: false };
      services.showInFolder(exportedFile(services.exportLedger, path));
      return { shown: true };
    },
  } satisfies Partial<Handlers>;
}

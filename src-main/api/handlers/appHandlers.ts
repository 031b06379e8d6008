/** The app itself and its projects: info, recent list, create/open, the folder picker. */
import { defaultProjectsDir } from '../../core/appDirs';
import { createProject, openProject } from '../../core/project/projectFolder';
import { resolveUserPath } from '../../core/paths/userPath';
import { API_VERSION } from '../contract';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function appHandlers(services: ApiServices) {
  const { recent, events } = services;
  const opened = (project: { path: string; name: string }) => {
    recent.remember(project);
    events.emit('data.changed', { entity: 'recentProjects' });
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
    'projects.recent': () => recent.list(),
    'projects.create': ({ dir, name }) => {
      const project = createProject(dir, name);
      opened(project);
      return project;
    },
    'projects.open': ({ dir }) => {
      const project = openProject(dir);
      opened(project);
      return project;
    },
    'projects.forgetRecent': ({ dir }) => {
      recent.forget(resolveUserPath(dir));
      events.emit('data.changed', { entity: 'recentProjects' });
      return recent.list();
    },
    'dialog.chooseFolder': async ({ title }) => ({
      path: services.chooseFolder ? await services.chooseFolder(title) : null,
    }),
  } satisfies Partial<Handlers>;
}

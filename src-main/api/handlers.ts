/**
 * Binds each API method to the core. Transport-agnostic: Electron and the WebSocket server both build their
 * dispatcher from these handlers, differing only in the services they pass in (e.g. a native folder picker).
 */
import { defaultProjectsDir } from '../core/appDirs';
import { createProject, openProject } from '../core/project/projectFolder';
import type { RecentProjects } from '../core/project/recentProjects';
import { resolveUserPath } from '../core/paths/userPath';
import { API_VERSION } from './contract';
import type { Handlers } from './dispatcher';
import type { EventHub } from './eventHub';

export interface ApiServices {
  mode: 'electron' | 'browser';
  appVersion: string;
  recent: RecentProjects;
  events: EventHub;
  /** A native folder picker; absent in browser mode, where the UI asks for a typed path instead. */
  chooseFolder?: (title: string) => Promise<string | null>;
}

export function createHandlers(services: ApiServices): Handlers {
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
  };
}

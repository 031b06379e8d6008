/**
 * Use cases for the app's projects outside any one project: create a project folder, and the recent list that
 * both front ends keep. Opening a project is the composition root's (core/studio/projectSession.ts).
 */
import { resolveUserPath } from '../paths/userPath';
import { createProject, type ProjectInfo } from '../store/projectFolder';
import type { RecentProjectEntry, RecentProjects } from '../store/recentProjects';

/** Creates the project in an empty or new folder and puts it first in the recent list. */
export function createProjectFolder(recent: RecentProjects, dir: string, name?: string): ProjectInfo {
  const project = createProject(dir, name);
  recent.remember(project);
  return project;
}

/** A project that was opened goes to the top of the recent list. */
export function rememberOpened(recent: RecentProjects, project: ProjectInfo): void {
  recent.remember(project);
}

export function recentProjects(recent: RecentProjects): RecentProjectEntry[] {
  return recent.list();
}

/** Drops a folder from the recent list (the folder itself is left alone) and returns what is left. */
export function forgetRecent(recent: RecentProjects, dir: string): RecentProjectEntry[] {
  recent.forget(resolveUserPath(dir));
  return recent.list();
}

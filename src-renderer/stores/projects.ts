import { defineStore } from 'pinia';
import type { AppInfo, ProjectSummary, RecentProject } from '../../src-main/api/contract';
import { studio } from '../api/studio';
import { reportFailure } from './reportFailure';
import { readPlace, writePlace } from '../navigation';

/** The start screen's state: who we are talking to, the recent projects, and the project now open. */
export const useProjectsStore = defineStore('projects', {
  state: () => ({
    info: null as AppInfo | null,
    recent: [] as RecentProject[],
    current: null as ProjectSummary | null,
    busy: false,
    error: null as string | null,
    connectionLost: false,
  }),
  getters: {
    /**
     * Why nothing can be saved in the open project, or null when it is writable: write controls are disabled
     * with this as their tooltip, so a refusal is seen before the work is done rather than after.
     */
    readOnlyReason: (state): string | null =>
      state.current?.access.mode === 'read-only' ? `Read-only: nothing can be saved because ${state.current.access.reason}` : null,
  },
  actions: {
    async init() {
      studio.onDisconnect(() => {
        this.connectionLost = true;
      });
      studio.on('data.changed', ({ entity }) => {
        if (entity === 'recentProjects') void this.refreshRecent();
      });
      // A large project's background check ended: it became writable, or was found damaged.
      studio.on('project.access', ({ projectPath, access }) => {
        if (this.current?.path === projectPath) this.current = { ...this.current, access };
      });
      await this.run(async () => {
        this.info = await studio.call('app.info', {});
        this.recent = await studio.call('projects.recent', {});
      });
      const { project } = readPlace();
      if (project) await this.open(project);
    },
    async refreshRecent() {
      await this.run(async () => {
        this.recent = await studio.call('projects.recent', {});
      });
    },
    async create(dir: string, name: string) {
      await this.run(async () => {
        this.current = await studio.call('projects.create', { dir, name });
        writePlace({ project: this.current.path, video: null });
      });
    },
    async open(dir: string) {
      await this.run(async () => {
        this.current = await studio.call('projects.open', { dir });
        if (readPlace().project !== this.current.path) writePlace({ project: this.current.path, video: null });
      });
    },
    async forget(dir: string) {
      await this.run(async () => {
        this.recent = await studio.call('projects.forgetRecent', { dir });
      });
    },
    async chooseFolder(title: string): Promise<string | null> {
      const { path } = await studio.call('dialog.chooseFolder', { title });
      return path;
    },
    close() {
      this.current = null;
      writePlace({ project: null, video: null });
      void this.refreshRecent();
    },
    dismissError() {
      this.error = null;
    },
    /** Runs one API action, keeping `busy` and `error` honest; errors are shown, never thrown into Vue. */
    async run(action: () => Promise<void>) {
      this.busy = true;
      await reportFailure(this, action);
      this.busy = false;
    },
  },
});

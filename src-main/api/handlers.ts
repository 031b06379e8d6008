/**
 * Binds each API method to the core, one module per area under handlers/. Transport-agnostic: Electron and
 * the WebSocket server build their dispatcher from the same handlers, differing only in the services passed in.
 */
import type { ExportLedger } from '../core/io/exportLedger';
import type { RecentProjects } from '../core/store/recentProjects';
import type { Handlers } from './dispatcher';
import type { EventHub } from './eventHub';
import type { MediaFiles } from './mediaFiles';
import { actionHandlers } from './handlers/actionHandlers';
import { agreementHandlers } from './handlers/agreementHandlers';
import { analysisHandlers } from './handlers/analysisHandlers';
import { appHandlers } from './handlers/appHandlers';
import { exportHandlers } from './handlers/exportHandlers';
import { labelHandlers } from './handlers/labelHandlers';
import { modelHandlers } from './handlers/modelHandlers';
import { personHandlers } from './handlers/personHandlers';
import { videoHandlers } from './handlers/videoHandlers';
import type { ProjectSessions } from './projectSessions';

export interface ApiServices {
  mode: 'electron' | 'browser';
  appVersion: string;
  recent: RecentProjects;
  /** The files exports wrote, so that only those are ever replaced. */
  exportLedger: ExportLedger;
  events: EventHub;
  sessions: ProjectSessions;
  /** Files the page may fetch by URL (a video, its sound), served by the app protocol or the browser-mode server. */
  media: MediaFiles;
  /** A native folder picker; absent in browser mode, where the UI asks for a typed path instead. */
  chooseFolder?: (title: string) => Promise<string | null>;
  /** Shows a file in the system's file manager (Electron's shell); absent in browser mode, where the UI shows the path. */
  showInFolder?: (file: string) => void;
}

export function createHandlers(services: ApiServices): Handlers {
  return {
    ...appHandlers(services),
    ...videoHandlers(services),
    ...personHandlers(services),
    ...labelHandlers(services),
    ...modelHandlers(services),
    ...exportHandlers(services),
    ...agreementHandlers(services),
    ...analysisHandlers(services),
    ...actionHandlers(services),
  };
}

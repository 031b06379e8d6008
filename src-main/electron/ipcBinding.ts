/** Binds the studio API to Electron IPC: requests in on one channel, events out to every app window. */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../api/bridge';
import type { ResponseEnvelope } from '../api/envelope';
import type { StudioApi } from '../api/studioApi';
import { isAppUrl } from './appUrl';

export function bindApiToIpc(api: StudioApi): () => void {
  ipcMain.handle(IPC_REQUEST_CHANNEL, (event: IpcMainInvokeEvent, raw: unknown) => handleRequest(api, event, raw));

  const unsubscribe = api.events.subscribe((envelope) => {
    for (const window of BrowserWindow.getAllWindows()) {
      // A destroyed window throws on any access to its webContents, so check it first.
      if (window.isDestroyed()) continue;
      const contents = window.webContents;
      // Project paths and job details are for the studio's page only, never for whatever a window might show.
      if (contents.isDestroyed() || !isAppUrl(contents.getURL())) continue;
      contents.send(IPC_EVENT_CHANNEL, envelope);
    }
  });

  return () => {
    ipcMain.removeHandler(IPC_REQUEST_CHANNEL);
    unsubscribe();
  };
}

async function handleRequest(api: StudioApi, event: IpcMainInvokeEvent, raw: unknown): Promise<ResponseEnvelope> {
  // A subframe or a page that slipped past the navigation guards shares the preload, so check the frame itself.
  const frameUrl = event.senderFrame?.url ?? '';
  if (!isAppUrl(frameUrl)) {
    return {
      id: requestId(raw),
      ok: false,
      error: { code: 'bad_request', message: 'refused: the request did not come from the studio page' },
    };
  }
  return api.dispatch(raw);
}

function requestId(raw: unknown): number | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && Number.isInteger(raw.id)) return raw.id as number;
  return null;
}

/**
 * Sandboxed preload: it may require only 'electron', not sibling files, so the bridge constants are repeated
 * here (a test keeps them equal to ../api/bridge). It exposes three functions and never ipcRenderer itself, so the
 * page cannot send on any other channel or see IPC event objects.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { AffectStudioBridge } from '../api/bridge';

const BRIDGE_KEY = 'affectStudio';
const IPC_REQUEST_CHANNEL = 'affect-studio:request';
const IPC_EVENT_CHANNEL = 'affect-studio:event';

const bridge: AffectStudioBridge = {
  invoke: (request) => ipcRenderer.invoke(IPC_REQUEST_CHANNEL, request),
  onEvent: (listener) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a listener function');
    const forward = (_event: IpcRendererEvent, envelope: unknown) => listener(envelope);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);

/** The two ways the renderer reaches main: the Electron preload bridge, or a WebSocket in browser mode. */
import { BRIDGE_KEY, type AffectStudioBridge } from '../../src-main/api/bridge';
import type { Transport } from './client';

export function ipcTransport(bridge: AffectStudioBridge): Transport {
  return {
    request: (envelope) => bridge.invoke(envelope),
    onEvent: (listener) => void bridge.onEvent(listener),
    // IPC lives as long as the window does.
    onDisconnect: () => undefined,
  };
}

/** Browser mode: the API endpoint is `/api` on the page's own server, authorised by the cookie the token URL set. */
export function webSocketTransport(url: string): Transport {
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('Cannot reach the studio server.')), { once: true });
  });
  const pending = new Map<number, (response: unknown) => void>();
  const eventListeners: ((raw: unknown) => void)[] = [];
  const disconnectListeners: (() => void)[] = [];

  socket.addEventListener('message', (message) => {
    let data: unknown;
    try {
      data = JSON.parse(String(message.data));
    } catch {
      return;
    }
    const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined;
    if (typeof id === 'number' && pending.has(id)) {
      pending.get(id)?.(data);
      pending.delete(id);
    } else if (typeof data === 'object' && data !== null && 'event' in data) {
      for (const listener of eventListeners) listener(data);
    }
  });
  socket.addEventListener('close', () => {
    for (const settle of pending.values()) {
      settle({ id: null, ok: false, error: { code: 'internal', message: 'The connection to the studio was lost.' } });
    }
    pending.clear();
    for (const listener of disconnectListeners) listener();
  });

  return {
    async request(envelope) {
      await opened;
      const id = (envelope as { id: number }).id;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify(envelope));
      });
    },
    onEvent: (listener) => void eventListeners.push(listener),
    onDisconnect: (listener) => void disconnectListeners.push(listener),
  };
}

export function connect(): Transport {
  const bridge = (window as unknown as Record<string, AffectStudioBridge | undefined>)[BRIDGE_KEY];
  if (bridge) return ipcTransport(bridge);
  const url = new URL('/api', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  return webSocketTransport(url.toString());
}

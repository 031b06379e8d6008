import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_VERSION } from '../api/contract';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../api/bridge';
import type { ResponseEnvelope } from '../api/envelope';
import { createStudioApi, type StudioApi } from '../api/studioApi';

type InvokeHandler = (event: unknown, raw: unknown) => Promise<ResponseEnvelope>;

const fake = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, raw: unknown) => unknown>();
  const windows: Array<{
    isDestroyed: () => boolean;
    webContents: { isDestroyed: () => boolean; getURL: () => string; send: ReturnType<typeof vi.fn> };
  }> = [];
  return {
    handlers,
    windows,
    ipcMain: {
      handle: vi.fn((channel: string, handler: (event: unknown, raw: unknown) => unknown) => {
        handlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
  };
});

vi.mock('electron', () => ({
  ipcMain: fake.ipcMain,
  BrowserWindow: { getAllWindows: () => fake.windows },
}));

import { bindApiToIpc } from './ipcBinding';

function addWindow(url: string, destroyed = false) {
  const window = {
    isDestroyed: () => destroyed,
    webContents: { isDestroyed: () => destroyed, getURL: () => url, send: vi.fn() },
  };
  fake.windows.push(window);
  return window;
}

const fromApp = { senderFrame: { url: 'app://studio/index.html' } };

describe('IPC binding', () => {
  let configDir: string;
  let api: StudioApi;
  let dispose: () => void;

  beforeEach(() => {
    configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-studio-ipc-'));
    api = createStudioApi({ mode: 'electron', configDir });
    fake.handlers.clear();
    fake.windows.length = 0;
    dispose = bindApiToIpc(api);
  });

  afterEach(() => {
    dispose();
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  function handler(): InvokeHandler {
    const registered = fake.handlers.get(IPC_REQUEST_CHANNEL);
    if (registered === undefined) throw new Error('no handler registered');
    return registered as InvokeHandler;
  }

  it('passes IPC requests to the dispatcher', async () => {
    const response = await handler()(fromApp, { v: API_VERSION, id: 7, method: 'app.info', params: {} });
    expect(response.ok).toBe(true);
    expect(response.id).toBe(7);
    expect(response.ok && response.result).toMatchObject({ mode: 'electron', apiVersion: API_VERSION });
  });

  it('answers malformed requests with error envelopes without throwing', async () => {
    const cases: Array<[unknown, string]> = [
      ['garbage', 'bad_request'],
      [undefined, 'bad_request'],
      [{ v: 99, id: 1, method: 'app.info', params: {} }, 'bad_request'],
      [{ v: API_VERSION, id: 2, method: 'no.such.method', params: {} }, 'unknown_method'],
      [{ v: API_VERSION, id: 3, method: 'projects.open', params: { dir: '' } }, 'invalid_params'],
    ];
    for (const [raw, code] of cases) {
      const response = await handler()(fromApp, raw);
      expect(response.ok, JSON.stringify(raw)).toBe(false);
      expect(!response.ok && response.error.code, JSON.stringify(raw)).toBe(code);
    }
  });

  it('refuses IPC from a frame that is not the app', async () => {
    const dispatch = vi.spyOn(api, 'dispatch');
    const request = { v: API_VERSION, id: 4, method: 'app.info', params: {} };
    for (const event of [
      { senderFrame: { url: 'https://example.com/' } },
      { senderFrame: { url: 'file:///tmp/index.html' } },
      { senderFrame: { url: 'app://evil/index.html' } },
      { senderFrame: null },
    ]) {
      const response = await handler()(event, request);
      expect(response).toMatchObject({ id: 4, ok: false, error: { code: 'bad_request' } });
      expect(!response.ok && response.error.message).toMatch(/refused/);
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('forwards API events only to live windows showing the app', () => {
    const app = addWindow('app://studio/index.html');
    const foreign = addWindow('https://example.com/');
    const closed = addWindow('app://studio/index.html', true);
    api.events.emit('data.changed', { entity: 'recentProjects' });
    expect(app.webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, {
      event: 'data.changed',
      payload: { entity: 'recentProjects' },
    });
    expect(foreign.webContents.send).not.toHaveBeenCalled();
    expect(closed.webContents.send).not.toHaveBeenCalled();
  });

  it('dispose removes the handler and stops forwarding events', () => {
    const app = addWindow('app://studio/index.html');
    dispose();
    expect(fake.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_REQUEST_CHANNEL);
    expect(fake.handlers.has(IPC_REQUEST_CHANNEL)).toBe(false);
    api.events.emit('data.changed', { entity: 'recentProjects' });
    expect(app.webContents.send).not.toHaveBeenCalled();
  });
});

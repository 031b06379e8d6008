import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type AffectStudioBridge } from '../api/bridge';

const fake = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(() => Promise.resolve('response')), on: vi.fn(), removeListener: vi.fn() },
  webUtils: { getPathForFile: vi.fn(() => '/videos/dropped.mp4') },
}));

vi.mock('electron', () => fake);

let exposed: AffectStudioBridge;

beforeAll(async () => {
  await import('./preload.js');
  const call = fake.contextBridge.exposeInMainWorld.mock.calls[0] as unknown as [string, AffectStudioBridge];
  exposed = call[1];
});

describe('preload', () => {
  it('exposes only invoke, onEvent and pathForFile, under the bridge key', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    expect(fake.contextBridge.exposeInMainWorld.mock.calls[0]?.[0]).toBe(BRIDGE_KEY);
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'onEvent', 'pathForFile']);
    for (const value of Object.values(exposed)) expect(value).not.toBe(fake.ipcRenderer);
  });

  it('invoke sends the raw request on the request channel', async () => {
    const request = { v: 1, id: 1, method: 'app.info', params: {} };
    await expect(exposed.invoke(request)).resolves.toBe('response');
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_REQUEST_CHANNEL, request);
  });

  it('onEvent hands the page only the envelope and returns a working unsubscribe', () => {
    const listener = vi.fn();
    const unsubscribe = exposed.onEvent(listener);
    const [channel, forward] = fake.ipcRenderer.on.mock.calls[0] as unknown as [string, (...args: unknown[]) => void];
    expect(channel).toBe(IPC_EVENT_CHANNEL);
    const envelope = { event: 'data.changed', payload: { entity: 'videos' } };
    forward({ sender: fake.ipcRenderer }, envelope);
    expect(listener).toHaveBeenCalledExactlyOnceWith(envelope);
    unsubscribe();
    expect(fake.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, forward);
  });

  it('pathForFile asks Electron for the path of a dropped file', () => {
    const file = { name: 'dropped.mp4' } as File;
    expect(exposed.pathForFile(file)).toBe('/videos/dropped.mp4');
    expect(fake.webUtils.getPathForFile).toHaveBeenCalledWith(file);
  });

  it('compiles to a script that requires nothing but electron, as a sandboxed preload must', () => {
    const source = fs.readFileSync(path.join(__dirname, 'preload.ts'), 'utf8');
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023 },
    }).outputText;
    const required = [...output.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

const fake = vi.hoisted(() => {
  class FakeWebContents {
    readonly listeners = new Map<string, Listener[]>();
    windowOpenHandler: ((details: unknown) => unknown) | null = null;
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    setWindowOpenHandler(handler: (details: unknown) => unknown): void {
      this.windowOpenHandler = handler;
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    readonly onceListeners = new Map<string, Listener>();
    readonly show = vi.fn();
    readonly loadURL = vi.fn(() => Promise.resolve());
    constructor(readonly options: Record<string, unknown>) {
      FakeBrowserWindow.created.push(this);
    }
    once(name: string, listener: Listener): this {
      this.onceListeners.set(name, listener);
      return this;
    }
  }
  return { FakeBrowserWindow };
});

vi.mock('electron', () => ({ BrowserWindow: fake.FakeBrowserWindow }));

import { isAppUrl } from './appUrl';
import { createMainWindow } from './window';

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('createMainWindow', () => {
  beforeEach(() => {
    fake.FakeBrowserWindow.created = [];
  });

  it('creates the window with contextIsolation, sandbox and no node integration', () => {
    createMainWindow();
    const window = fake.FakeBrowserWindow.created[0];
    expect(window).toBeDefined();
    const prefs = window?.options['webPreferences'] as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String(prefs['preload'])).toMatch(/[/\\]electron[/\\]preload\.js$/);
    expect(window?.options).toMatchObject({ minWidth: 1024, minHeight: 640, width: 1366, height: 860, show: false });
  });

  it('loads the app origin and shows the window only when it is ready', () => {
    createMainWindow();
    const window = fake.FakeBrowserWindow.created[0];
    expect(window?.loadURL).toHaveBeenCalledWith('app://studio/index.html');
    expect(window?.show).not.toHaveBeenCalled();
    window?.onceListeners.get('ready-to-show')?.();
    expect(window?.show).toHaveBeenCalledOnce();
  });

  it.each(['will-navigate', 'will-redirect'])('%s: blocks navigation to any origin but the app', (eventName) => {
    createMainWindow();
    const contents = fake.FakeBrowserWindow.created[0]?.webContents;
    const foreign = [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://studio.evil.com/index.html',
      'app://user@studio/index.html',
      'javascript:alert(1)',
      'not a url',
    ];
    for (const url of foreign) {
      const event = navigationEvent(url);
      contents?.emit(eventName, event, url);
      expect(event.preventDefault, url).toHaveBeenCalled();
    }
    const own = navigationEvent('app://studio/index.html#/projects');
    contents?.emit(eventName, own, own.url);
    expect(own.preventDefault).not.toHaveBeenCalled();
  });

  it('denies every window.open, even to the app itself', () => {
    createMainWindow();
    const handler = fake.FakeBrowserWindow.created[0]?.webContents.windowOpenHandler;
    expect(handler).toBeTypeOf('function');
    expect(handler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'app://studio/index.html' })).toEqual({ action: 'deny' });
  });

  it('prevents attaching a webview', () => {
    createMainWindow();
    const event = { preventDefault: vi.fn() };
    fake.FakeBrowserWindow.created[0]?.webContents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('isAppUrl', () => {
  it('accepts only app://studio', () => {
    expect(isAppUrl('app://studio/index.html')).toBe(true);
    expect(isAppUrl('app://studio/')).toBe(true);
    expect(isAppUrl('app://studio:8080/')).toBe(false);
    expect(isAppUrl('app://other/')).toBe(false);
    expect(isAppUrl('https://studio/')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});

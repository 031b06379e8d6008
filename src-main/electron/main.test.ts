import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_REQUEST_CHANNEL } from '../api/bridge';
import { API_VERSION } from '../api/contract';
import { ExportLedger } from '../core/io/exportLedger';
import { errorLogFile } from '../core/errorLog';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const calls: string[] = [];
  const appListeners = new Map<string, Listener>();
  const windows: FakeWindow[] = [];
  let resolveReady: () => void = () => undefined;

  class FakeWindow {
    readonly webContents = { on: vi.fn(), setWindowOpenHandler: vi.fn() };
    readonly listeners = new Map<string, Listener>();
    minimized = false;
    readonly restore = vi.fn(() => {
      this.minimized = false;
    });
    readonly focus = vi.fn();
    readonly loadURL = vi.fn(() => Promise.resolve());
    constructor(readonly options: unknown) {
      calls.push('new BrowserWindow');
      windows.push(this);
    }
    static getAllWindows(): FakeWindow[] {
      return windows;
    }
    static getFocusedWindow(): FakeWindow | null {
      return null;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    on(name: string, listener: Listener): this {
      this.listeners.set(name, listener);
      return this;
    }
    once(name: string, listener: Listener): this {
      return this.on(name, listener);
    }
  }

  const state = {
    lock: true,
    ready: false,
    userData: '',
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
  };

  const electron = {
    app: {
      isPackaged: true,
      requestSingleInstanceLock: vi.fn(() => state.lock),
      quit: vi.fn(() => calls.push('quit')),
      on: vi.fn((name: string, listener: Listener) => appListeners.set(name, listener)),
      isReady: () => state.ready,
      whenReady: vi.fn(
        () =>
          new Promise<void>((resolve) => {
            resolveReady = () => {
              state.ready = true;
              resolve();
            };
          }),
      ),
      getPath: vi.fn(() => state.userData),
    },
    BrowserWindow: FakeWindow,
    protocol: {
      registerSchemesAsPrivileged: vi.fn(() => calls.push('registerSchemesAsPrivileged')),
      handle: vi.fn((scheme: string) => calls.push(`protocol.handle ${scheme}`)),
    },
    ipcMain: {
      handle: vi.fn((channel: string) => calls.push(`ipcMain.handle ${channel}`)),
      removeHandler: vi.fn(),
    },
    Menu: {
      buildFromTemplate: vi.fn(() => ({})),
      setApplicationMenu: vi.fn(() => calls.push('setApplicationMenu')),
    },
    dialog: { showOpenDialog: vi.fn(), showErrorBox: vi.fn() },
    shell: { showItemInFolder: vi.fn() },
    session: {
      defaultSession: {
        setPermissionRequestHandler: vi.fn((handler: Listener) => {
          calls.push('setPermissionRequestHandler');
          state.permissionRequest = handler;
        }),
        setPermissionCheckHandler: vi.fn((handler: Listener) => {
          calls.push('setPermissionCheckHandler');
          state.permissionCheck = handler;
        }),
      },
    },
  };

  return {
    electron,
    state,
    calls,
    appListeners,
    windows,
    ready: () => resolveReady(),
    reset(): void {
      calls.length = 0;
      appListeners.clear();
      windows.length = 0;
      state.lock = true;
      state.ready = false;
      state.permissionRequest = null;
      state.permissionCheck = null;
      vi.clearAllMocks();
    },
  };
});

vi.mock('electron', () => fake.electron);

async function start(): Promise<void> {
  vi.resetModules();
  await import('./main.js');
}

async function startAndBecomeReady(): Promise<void> {
  await start();
  fake.ready();
  await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
}

// main.ts's process-wide handlers are captured rather than installed, so they neither pile up across tests nor
// replace vitest's own.
const processHandlers = new Map<string, Listener>();
const originalProcessOn = process.on.bind(process);

describe('Electron main', () => {
  beforeEach(() => {
    fake.reset();
    fake.state.userData = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-studio-main-'));
    processHandlers.clear();
    vi.spyOn(process, 'on').mockImplementation((name: string | symbol, listener: Listener) => {
      if (name === 'uncaughtException' || name === 'unhandledRejection') processHandlers.set(name, listener);
      else originalProcessOn(name, listener);
      return process;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(fake.state.userData, { recursive: true, force: true });
  });

  it.each(['uncaughtException', 'unhandledRejection'])(
    'logs the stack of an %s and shows one line naming the log',
    async (event) => {
      await startAndBecomeReady();
      const bug = new TypeError('cannot read properties of undefined (reading "frames")');
      processHandlers.get(event)?.(bug);
      const log = errorLogFile(fake.state.userData);
      expect(fs.readFileSync(log, 'utf8')).toContain(bug.stack);
      expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledOnce();
      const [, line] = fake.electron.dialog.showErrorBox.mock.calls[0] as [string, string];
      expect(line).toContain('cannot read properties of undefined');
      expect(line).toContain(log);
      expect(line).not.toContain('\n');
      expect(fake.electron.app.quit).not.toHaveBeenCalled();
    },
  );

  it("shows an export's file through Electron's shell, and refuses a file no export wrote", async () => {
    await startAndBecomeReady();
    const [, handler] = fake.electron.ipcMain.handle.mock.calls.find(([channel]) => channel === IPC_REQUEST_CHANNEL) as unknown as [
      string,
      (event: unknown, raw: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { message: string } }>,
    ];
    const fromStudio = { senderFrame: { url: 'app://studio/index.html' } };
    const showInFolder = (file: string) => handler(fromStudio, { v: API_VERSION, id: 1, method: 'dialog.showInFolder', params: { path: file } });
    const exported = path.join(fake.state.userData, 'labels.csv');
    fs.writeFileSync(exported, 'a,b\n');
    // The studio's settings folder is userData: its export ledger is the one the API reads.
    new ExportLedger(fake.state.userData).record([{ path: exported, data: 'a,b\n' }]);
    expect(await showInFolder(exported)).toMatchObject({ ok: true, result: { shown: true } });
    expect(fake.electron.shell.showItemInFolder).toHaveBeenCalledWith(exported);
    const stranger = path.join(fake.state.userData, 'notes.txt');
    fs.writeFileSync(stranger, 'mine');
    expect((await showInFolder(stranger)).error?.message).toMatch(/not written by an Affect Studio export/);
    expect(fake.electron.shell.showItemInFolder).toHaveBeenCalledTimes(1);
  });

  it('quits when the single-instance lock is held by another instance', async () => {
    fake.state.lock = false;
    await start();
    expect(fake.electron.app.quit).toHaveBeenCalledOnce();
    expect(fake.electron.app.whenReady).not.toHaveBeenCalled();
    expect(fake.electron.ipcMain.handle).not.toHaveBeenCalled();
    expect(fake.windows).toHaveLength(0);
  });

  it('registers the app scheme before ready and wires everything before opening the window', async () => {
    await start();
    expect(fake.calls).toEqual(['registerSchemesAsPrivileged']);
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    expect(fake.calls.at(-1)).toBe('new BrowserWindow');
    expect(fake.calls).toEqual(
      expect.arrayContaining([
        `ipcMain.handle ${IPC_REQUEST_CHANNEL}`,
        'protocol.handle app',
        'setApplicationMenu',
        'setPermissionRequestHandler',
        'setPermissionCheckHandler',
      ]),
    );
    expect(fake.electron.app.getPath).toHaveBeenCalledWith('userData');
    expect(fake.windows[0]?.loadURL).toHaveBeenCalledWith('app://studio/index.html');
  });

  it('denies every permission request', async () => {
    await startAndBecomeReady();
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read']) {
      const callback = vi.fn();
      fake.state.permissionRequest?.({}, permission, callback, {});
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
      expect(fake.state.permissionCheck?.({}, permission, 'app://studio', {}), permission).toBe(false);
    }
    expect(fake.state.permissionRequest).not.toBeNull();
    expect(fake.state.permissionCheck).not.toBeNull();
  });

  it('restores and focuses the existing window when a second instance starts', async () => {
    await startAndBecomeReady();
    const window = fake.windows[0];
    if (window === undefined) throw new Error('no window');
    window.minimized = true;
    fake.appListeners.get('second-instance')?.({}, [], '/');
    expect(window.restore).toHaveBeenCalledOnce();
    expect(window.focus).toHaveBeenCalledOnce();
    expect(fake.windows).toHaveLength(1);
  });

  it('quits when all windows close, except on macOS', async () => {
    await start();
    const platform = process.platform;
    try {
      Object.defineProperty(process, 'platform', { value: 'darwin' });
      fake.appListeners.get('window-all-closed')?.();
      expect(fake.electron.app.quit).not.toHaveBeenCalled();
      Object.defineProperty(process, 'platform', { value: 'linux' });
      fake.appListeners.get('window-all-closed')?.();
      expect(fake.electron.app.quit).toHaveBeenCalledOnce();
    } finally {
      Object.defineProperty(process, 'platform', { value: platform });
    }
  });

  it('closes the open projects before quitting, then quits', async () => {
    await startAndBecomeReady();
    const beforeQuit = fake.appListeners.get('before-quit');
    expect(beforeQuit).toBeDefined();
    const event = { preventDefault: vi.fn() };
    beforeQuit?.(event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(fake.electron.app.quit).toHaveBeenCalledOnce());
    const second = { preventDefault: vi.fn() };
    beforeQuit?.(second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });

  it('shows the start-up failure and quits instead of lingering without a window', async () => {
    fake.electron.app.getPath.mockImplementationOnce(() => {
      throw new Error('no user data folder');
    });
    await start();
    fake.ready();
    await vi.waitFor(() => expect(fake.electron.app.quit).toHaveBeenCalledOnce());
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledWith('Affect Studio could not start', 'no user data folder');
    expect(fake.windows).toHaveLength(0);
  });
});

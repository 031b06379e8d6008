/** Electron entry point: wires the modules of this folder together and owns the app's lifecycle. */
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import { createStudioApi, type StudioApi } from '../api/studioApi';
import { logUnexpected } from '../core/errorLog';
import { installAppProtocol, registerAppScheme } from './appProtocol';
import { chooseFolder } from './folderDialog';
import { bindApiToIpc } from './ipcBinding';
import { installMenu } from './menu';
import { denyAllPermissions } from './permissions';
import { createMainWindow } from './window';

registerAppScheme();

// A bug that escapes everything shows one line naming the error log instead of Electron's stack dialog; the stack
// goes to the same log the API uses (the userData folder), never into a project.
const showUnexpected = (error: unknown): void => {
  dialog.showErrorBox('Affect Studio: unexpected error', logUnexpected(app.getPath('userData'), 'Affect Studio', error));
};
process.on('uncaughtException', showUnexpected);
process.on('unhandledRejection', showUnexpected);

// A second studio on the same config folder would race on the recent-projects list and the open project.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;

  const openWindow = (): void => {
    const window = createMainWindow();
    mainWindow = window;
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
  };

  app.on('second-instance', () => {
    if (mainWindow === null) {
      if (app.isReady()) openWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // macOS re-opens the window when the dock icon is clicked after the last window was closed.
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  void app.whenReady().then(() => {
    const api = createStudioApi({ mode: 'electron', configDir: app.getPath('userData'), chooseFolder, showInFolder: (file) => shell.showItemInFolder(file) });
    closeProjectsBeforeQuit(api);
    bindApiToIpc(api);
    installAppProtocol(api.media);
    installMenu();
    denyAllPermissions(session.defaultSession);
    openWindow();
  }).catch((error: unknown) => {
    // Without a window nobody would see the failure, and the process would linger with no UI.
    dialog.showErrorBox('Affect Studio could not start', error instanceof Error ? error.message : String(error));
    app.quit();
  });
}

/**
 * Quitting waits for open projects to close: the running job stops at a chunk boundary and stays resumable,
 * and the databases are closed cleanly (WAL checkpointed) instead of being cut off mid-write.
 */
function closeProjectsBeforeQuit(api: StudioApi): void {
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    (event as { preventDefault(): void }).preventDefault();
    void api.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

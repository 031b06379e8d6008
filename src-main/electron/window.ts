/** The studio window and the guards that keep its page on the app's own origin. */
import path from 'node:path';
import { BrowserWindow, type WebContents } from 'electron';
import { APP_START_URL, isAppUrl } from './appUrl';

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1366,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    title: 'Affect Studio',
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  hardenWebContents(window.webContents);
  void window.loadURL(APP_START_URL);
  return window;
}

/**
 * The page is trusted only while it is our own code: a navigation, redirect, popup or webview to anywhere else
 * would hand the preload's API to foreign content, so all of them are refused.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

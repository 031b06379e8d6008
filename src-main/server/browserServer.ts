/**
 * Browser mode: serves the renderer and the API over HTTP + WebSocket on 127.0.0.1 only.
 *
 * Every URL lives under a random per-run token (`http://127.0.0.1:PORT/TOKEN/`), so the page's own relative
 * asset and WebSocket URLs carry it without cookies; anything else gets 401. The Host header must name the
 * loopback address (defeats DNS rebinding) and a browser's WebSocket Origin must be the page itself.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isInside } from '../core/paths/userPath';
import type { StudioApi } from '../api/studioApi';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';
import { contentTypeOf } from './contentTypes';

export const LOOPBACK = '127.0.0.1';
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface BrowserServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startBrowserServer(options: {
  api: StudioApi;
  rendererDir: string;
  port?: number;
}): Promise<BrowserServer> {
  const { api, rendererDir } = options;
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`The studio's UI is not built (no ${path.join(rendererDir, 'index.html')}). Run "npm run build".`);
  }
  const token = crypto.randomBytes(24).toString('base64url');
  const prefix = `/${token}/`;
  let port = 0;

  const hostIsLoopback = (host: string | undefined) => host === `${LOOPBACK}:${port}` || host === `localhost:${port}`;

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (!hostIsLoopback(req.headers.host)) return refuse(res, 403, 'Forbidden: unexpected Host header.');
    if (!hasToken(url, prefix)) return refuse(res, 401, 'Unauthorized: this URL needs the token printed at start-up.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    try {
      serveStatic(rendererDir, decodePath(url.slice(prefix.length)), res, api.reportUnexpected);
    } catch (error) {
      // A file that vanished or cannot be read between the checks and the read: a bug report, not a crash.
      failed(res, api.reportUnexpected(`serving ${url.slice(prefix.length)}`, error));
    }
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = req.url ?? '/';
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://${req.headers.host}`;
    if (!hostIsLoopback(req.headers.host) || !originOk || url.split('?')[0] !== `${prefix}api`) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveApi(ws, api));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  const unsubscribe = api.events.subscribe((event) => {
    const data = JSON.stringify(event);
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(data);
  });

  return {
    url: `http://${LOOPBACK}:${port}${prefix}`,
    token,
    port,
    close: async () => {
      unsubscribe();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveApi(ws: WebSocket, api: StudioApi): void {
  ws.on('message', (data, isBinary) => {
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    void api.dispatch(message).then((response) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
    });
  });
}

function hasToken(url: string, prefix: string): boolean {
  // Constant-time comparison of the token part, so its characters cannot be guessed one by one.
  const candidate = Buffer.from(url.slice(0, prefix.length));
  const expected = Buffer.from(prefix);
  return candidate.length === expected.length && crypto.timingSafeEqual(candidate, expected);
}

function decodePath(rest: string): string | null {
  try {
    return decodeURIComponent(rest.split('?')[0] ?? '');
  } catch {
    return null;
  }
}

function serveStatic(root: string, relative: string | null, res: http.ServerResponse, reportUnexpected: StudioApi['reportUnexpected']): void {
  if (relative === null || relative.includes('\0')) return refuse(res, 400, 'Bad request.');
  const file = path.resolve(root, relative === '' ? 'index.html' : relative);
  if (!isInside(root, file) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return refuse(res, 404, 'Not found.');
  }
  res.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  fs.createReadStream(file)
    .on('error', (error) => {
      // The status line is already sent: cutting the response is the only way left to say it failed.
      reportUnexpected(`serving ${relative}`, error);
      res.destroy();
    })
    .pipe(res);
}

function failed(res: http.ServerResponse, line: string): void {
  if (res.headersSent) res.destroy();
  else refuse(res, 500, line);
}

function refuse(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(message + '\n');
}

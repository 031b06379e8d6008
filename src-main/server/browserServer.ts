/**
 * Browser mode: serves the renderer and the API over HTTP + WebSocket on 127.0.0.1 only.
 *
 * Access needs the random per-run token, as in Jupyter, but the token never stays in the address bar (where it
 * would end up in history, screenshots and screen shares): the URL printed at start-up (`/?token=...`) sets an
 * HttpOnly, SameSite=Strict cookie and redirects (303) to the same page without the token. Every later request,
 * and the WebSocket at `/api`, is authorised by that cookie; anything else gets 401. The cookie's name carries the
 * port, so two studios on one machine do not overwrite each other's. The Host header must name the loopback
 * address (defeats DNS rebinding) and a browser's WebSocket Origin must be the page itself. Media files the API
 * handed out (`/media/<key>`, see api/mediaFiles.ts) are served behind the same cookie, with Range for seeking.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { isInside } from '../core/paths/userPath';
import type { StudioApi } from '../api/studioApi';
import { rangeHeaders, requestedRange } from './byteRange';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';
import { contentTypeOf } from './contentTypes';

export const LOOPBACK = '127.0.0.1';
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const UNAUTHORIZED = 'Unauthorized: open the URL that affect-studio serve printed at start-up (it carries the token).';

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
  let port = 0;
  const cookieName = () => `affect-studio-${port}`;

  const hostIsLoopback = (host: string | undefined) => host === `${LOOPBACK}:${port}` || host === `localhost:${port}`;
  const hasCookie = (req: http.IncomingMessage) => sameSecret(cookieValue(req.headers.cookie, cookieName()), token);

  const server = http.createServer((req, res) => {
    const [pathname = '/', query = ''] = (req.url ?? '/').split('?', 2);
    if (!hostIsLoopback(req.headers.host)) return refuse(res, 403, 'Forbidden: unexpected Host header.');
    const offered = new URLSearchParams(query).get('token');
    if (offered !== null) {
      if (!sameSecret(offered, token)) return refuse(res, 401, UNAUTHORIZED);
      // Always to the root: the page keeps its state in the fragment, which the browser carries over.
      res.writeHead(303, {
        Location: '/',
        'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (!hasCookie(req)) return refuse(res, 401, UNAUTHORIZED);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    try {
      const relative = decodePath(pathname);
      const media = relative === null ? null : api.media.resolve(relative);
      if (media !== null) serveMedia(media, req, res, api.reportUnexpected);
      else serveStatic(rendererDir, relative, res, api.reportUnexpected);
    } catch (error) {
      // A file that vanished or cannot be read between the checks and the read: a bug report, not a crash.
      failed(res, api.reportUnexpected(`serving ${pathname}`, error));
    }
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin;
    const originOk = origin === undefined || origin === `http://${req.headers.host}`;
    if (!hostIsLoopback(req.headers.host) || !originOk || !hasCookie(req) || (req.url ?? '/').split('?')[0] !== '/api') {
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
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
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

/** Constant-time comparison (of fixed-length digests), so the token cannot be guessed character by character. */
function sameSecret(candidate: string | undefined, secret: string): boolean {
  if (candidate === undefined) return false;
  const digest = (text: string) => crypto.createHash('sha256').update(text).digest();
  return crypto.timingSafeEqual(digest(candidate), digest(secret));
}

/** The value of cookie `name` in a Cookie header (`a=1; b=2`), if it is there. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname.slice(1));
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

/** A published media file, whole or the one byte range asked for. */
function serveMedia(file: string, req: http.IncomingMessage, res: http.ServerResponse, reportUnexpected: StudioApi['reportUnexpected']): void {
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
  if (size === undefined) return refuse(res, 404, 'Not found.');
  const range = requestedRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  res.writeHead(range === null ? 200 : 206, {
    ...rangeHeaders(range, size),
    'Content-Type': contentTypeOf(file),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  fs.createReadStream(file, range === null ? {} : { start: range.start, end: range.end })
    .on('error', (error) => {
      reportUnexpected(`serving ${path.basename(file)}`, error);
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

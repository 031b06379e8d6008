import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchChromium } from '../../test/support/chromium';
import { API_VERSION } from '../api/contract';
import { createStudioApi, type StudioApi } from '../api/studioApi';
import { startBrowserServer, type BrowserServer } from './browserServer';
import { rendererDir } from './rendererDir';

const servers: BrowserServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function fakeRenderer(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-renderer-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>studio</title>');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  return dir;
}

async function start(rendererDir = fakeRenderer(), configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-home-'))): Promise<{ server: BrowserServer; api: StudioApi }> {
  const api = createStudioApi({ mode: 'browser', configDir });
  const server = await startBrowserServer({ api, rendererDir });
  servers.push(server);
  return { server, api };
}

type Target = string | { port: number; path: string };

function get(target: Target, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { port, path } = typeof target === 'string' ? { port: Number(new URL(target).port), path: new URL(target).pathname + new URL(target).search } : target;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function openSocket(url: string, options: { origin?: string; cookie?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...(options.origin ? { origin: options.origin } : {}), headers: options.cookie ? { Cookie: options.cookie } : {} });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
}

const apiUrl = (server: BrowserServer) => `ws://127.0.0.1:${server.port}/api`;
const root = (server: BrowserServer) => `http://127.0.0.1:${server.port}/`;

/** Follows the printed URL as a browser would: the `name=value` of the cookie its redirect sets. */
async function cookieFrom(server: BrowserServer): Promise<string> {
  const setCookie = (await get(server.url)).headers['set-cookie']?.[0] ?? '';
  return setCookie.split(';')[0] ?? '';
}

describe('browser-mode server', () => {
  it('prints a 127.0.0.1 URL carrying a long random token', async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    const other = await start();
    expect(other.server.token).not.toBe(server.token);
  });

  it('trades the token for an HttpOnly, SameSite=Strict cookie named after the port, and redirects to the clean URL', async () => {
    const { server } = await start();
    const response = await get(server.url);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
    expect(response.headers['set-cookie']).toHaveLength(1);
    const attributes = (response.headers['set-cookie']?.[0] ?? '').split(';').map((part) => part.trim());
    expect(attributes[0]).toBe(`affect-studio-${server.port}=${server.token}`);
    expect(attributes.slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
  });

  it('serves the UI with a strict CSP to the cookie', async () => {
    const { server } = await start();
    const cookie = await cookieFrom(server);
    const page = await get(root(server), { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>studio</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
    expect((await get(`${root(server)}assets/app.js`, { Cookie: cookie })).headers['content-type']).toContain('text/javascript');
  });

  it('refuses with 401 every request without a valid token or cookie, and says which URL to open', async () => {
    const { server } = await start();
    const other = await start();
    const base = root(server);
    const refused: [string, Record<string, string>][] = [
      [base, {}],
      [`${base}index.html`, {}],
      [`${base}assets/app.js`, {}],
      [`${base}?token=${'x'.repeat(32)}`, {}],
      [`${base}?token=${server.token.slice(0, -1)}`, {}],
      [`${base}${server.token}/`, {}],
      [base, { Cookie: `affect-studio-${server.port}=${server.token.slice(0, -1)}` }],
      [base, { Cookie: `affect-studio-${other.server.port}=${server.token}` }],
      [base, { Cookie: await cookieFrom(other.server) }],
    ];
    for (const [url, headers] of refused) {
      const response = await get(url, headers);
      expect(response.status, `${url} ${JSON.stringify(headers)}`).toBe(401);
      expect(response.body).toMatch(/open the URL .* printed at start-up/);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a Host header that is not the loopback address (DNS rebinding)', async () => {
    const { server } = await start();
    const cookie = await cookieFrom(server);
    expect((await get(server.url, { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(root(server), { Host: `evil.example:${server.port}`, Cookie: cookie })).status).toBe(403);
  });

  it('does not serve files outside the UI folder', async () => {
    const { server } = await start();
    const cookie = await cookieFrom(server);
    // Raw request paths: a URL object would resolve the dot segments before they reach the server.
    for (const escape of ['..%2f..%2f..%2fetc%2fpasswd', '../../package.json', '%2e%2e/%2e%2e/package.json', 'assets/..%2f..%2f..%2fetc%2fhosts']) {
      const response = await get({ port: server.port, path: `/${escape}` }, { Cookie: cookie });
      expect(response.status, escape).toBe(404);
    }
  });

  it('listens on 127.0.0.1 only: no other address of this machine reaches it', async () => {
    const { server } = await start();
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((address): address is os.NetworkInterfaceInfo => address !== undefined && address.address !== '127.0.0.1')
      .map((address) => address.address);
    // 127.0.0.2 is loopback too but is not the bound address, and '::1' covers IPv6 loopback.
    for (const host of [...others, '127.0.0.2', '::1']) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host, port: server.port, timeout: 1000 });
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
        socket.once('timeout', () => (socket.destroy(), resolve(false)));
      });
      expect(reached, host).toBe(false);
    }
  });

  it('refuses a WebSocket without the cookie, with the token in its URL instead, or from another origin', async () => {
    const { server } = await start();
    const cookie = await cookieFrom(server);
    await expect(openSocket(apiUrl(server))).rejects.toThrow(/401/);
    await expect(openSocket(`${apiUrl(server)}?token=${server.token}`)).rejects.toThrow(/401/);
    await expect(openSocket(apiUrl(server), { cookie: `affect-studio-${server.port}=${'x'.repeat(32)}` })).rejects.toThrow(/401/);
    await expect(openSocket(apiUrl(server), { cookie, origin: 'http://evil.example' })).rejects.toThrow(/401/);
    (await openSocket(apiUrl(server), { cookie, origin: `http://127.0.0.1:${server.port}` })).close();
  });

  it('answers API calls over the WebSocket and survives malformed messages', async () => {
    const { server } = await start();
    const ws = await openSocket(apiUrl(server), { cookie: await cookieFrom(server), origin: `http://127.0.0.1:${server.port}` });
    ws.send('{ not json');
    expect(await nextMessage(ws)).toMatchObject({ id: null, ok: false, error: { code: 'bad_request' } });
    ws.send(JSON.stringify({ v: API_VERSION, id: 3, method: 'app.info', params: {} }));
    expect(await nextMessage(ws)).toMatchObject({ id: 3, ok: true, result: { mode: 'browser', nativeDialogs: false } });
    ws.close();
  });

  it('pushes events to connected clients', async () => {
    const { server, api } = await start();
    const ws = await openSocket(apiUrl(server), { cookie: await cookieFrom(server) });
    const received = nextMessage(ws);
    api.events.emit('data.changed', { entity: 'recentProjects' });
    expect(await received).toEqual({ event: 'data.changed', payload: { entity: 'recentProjects' } });
    ws.close();
  });

  it('in Chromium: the printed URL ends on the clean address, the page reaches the API, and scripts cannot read the cookie', async () => {
    const { server } = await start(rendererDir());
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}#project=%2Ftmp%2Fp`);
      // The start screen shows the version it fetched from main over the WebSocket.
      await page.locator('.app-bar-meta').waitFor();
      expect(page.url()).toBe(`${root(server)}#project=%2Ftmp%2Fp`);
      expect(page.url()).not.toContain(server.token);
      expect(await page.evaluate('document.cookie')).toBe('');
      expect(await page.context().cookies()).toEqual([
        expect.objectContaining({ name: `affect-studio-${server.port}`, httpOnly: true, sameSite: 'Strict', secure: false, path: '/' }),
      ]);
      await page.reload();
      await page.locator('.app-bar-meta').waitFor();
      expect(page.url()).not.toContain(server.token);
    } finally {
      await browser.close();
    }
  });

  it('logs a file that fails while being read, cuts that response, and keeps serving', async () => {
    const renderer = fakeRenderer();
    // A regular file by stat whose every read fails (EIO): what a dying disk under the UI folder looks like.
    fs.symlinkSync('/proc/self/mem', path.join(renderer, 'assets', 'broken.js'));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-home-'));
    const { server } = await start(renderer, home);

    const cookie = await cookieFrom(server);
    const outcome = await new Promise<string>((resolve) => {
      http
        .get({ host: '127.0.0.1', port: server.port, path: '/assets/broken.js', headers: { Cookie: cookie } }, (res) => {
          res.on('error', (error) => resolve(`cut: ${error.message}`));
          res.on('end', () => resolve('complete'));
          res.resume();
        })
        .on('error', (error) => resolve(`cut: ${error.message}`));
    });
    expect(outcome).toMatch(/^cut: /);
    const log = fs.readFileSync(path.join(home, 'logs', 'errors.log'), 'utf8');
    expect(log).toContain('serving assets/broken.js');
    expect(log).toContain('EIO');
    expect((await get(root(server), { Cookie: cookie })).status).toBe(200);
  });
});

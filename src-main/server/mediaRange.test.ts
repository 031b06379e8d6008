/**
 * Browser mode serves the media files the API hands out (a video's sound) behind the token cookie, with the byte
 * ranges a media element asks for when it seeks; nothing unpublished, and never without the cookie.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioApi, type StudioApi } from '../api/studioApi';
import { startBrowserServer, type BrowserServer } from './browserServer';
import { requestedRange } from './byteRange';

let api: StudioApi;
let server: BrowserServer;
let cookie: string;
let url: string;
const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port: server.port, path: pathname, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-media-'));
  const renderer = path.join(base, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  const sound = path.join(base, 'cache', 'audio', '1.webm');
  fs.mkdirSync(path.dirname(sound), { recursive: true });
  fs.writeFileSync(sound, bytes);
  api = createStudioApi({ mode: 'browser', configDir: path.join(base, 'home') });
  server = await startBrowserServer({ api, rendererDir: renderer });
  const redirect = await get(new URL(server.url).pathname + new URL(server.url).search);
  cookie = (redirect.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  url = `/${api.media.publish(sound)}`;
});
afterAll(async () => {
  await server.close();
  await api.close();
});

describe('media over the browser-mode server', () => {
  it('serves the whole file to the cookie, saying it accepts ranges', async () => {
    const whole = await get(url, { Cookie: cookie });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/webm');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.body.equals(bytes)).toBe(true);
  });

  it('answers a range with 206 and exactly those bytes, as a seeking <audio> asks', async () => {
    const part = await get(url, { Cookie: cookie, Range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 1000-1999/5000');
    expect(part.headers['content-length']).toBe('1000');
    expect(part.body.equals(bytes.subarray(1000, 2000))).toBe(true);
    const open = await get(url, { Cookie: cookie, Range: 'bytes=4500-' });
    expect(open.headers['content-range']).toBe('bytes 4500-4999/5000');
    expect(open.body.equals(bytes.subarray(4500))).toBe(true);
    const suffix = await get(url, { Cookie: cookie, Range: 'bytes=-10' });
    expect(suffix.body.equals(bytes.subarray(4990))).toBe(true);
    const head = await get(url, { Cookie: cookie, Range: 'bytes=0-9' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.body.length).toBe(0);
  });

  it('refuses a range past the end with 416 naming the size', async () => {
    const beyond = await get(url, { Cookie: cookie, Range: 'bytes=5000-' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */5000');
  });

  it('refuses media without the cookie, and serves nothing that was not published', async () => {
    expect((await get(url, { Range: 'bytes=0-9' })).status).toBe(401);
    expect((await get('/media/guessed-key.webm', { Cookie: cookie })).status).toBe(404);
    expect((await get('/media/..%2F..%2Fcache%2Faudio%2F1.webm', { Cookie: cookie })).status).toBe(404);
  });

  it('reads ranges as RFC 9110 says, one range at a time', () => {
    expect(requestedRange(undefined, 100)).toBeNull();
    expect(requestedRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(requestedRange('bytes=10-500', 100)).toEqual({ start: 10, end: 99 });
    expect(requestedRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(requestedRange('bytes=50-40', 100)).toBe('unsatisfiable');
    expect(requestedRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(requestedRange('items=0-1', 100)).toBeNull();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaFiles } from '../api/mediaFiles';
import { CONTENT_SECURITY_POLICY } from '../server/contentSecurityPolicy';

const fake = vi.hoisted(() => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
}));

vi.mock('electron', () => ({ protocol: fake.protocol }));

import { createAppRequestHandler, installAppProtocol, registerAppScheme } from './appProtocol';

let base: string;
let root: string;
let secret: string;
const media = new MediaFiles();

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-studio-protocol-'));
  root = path.join(base, 'dist-renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("app")');
  fs.writeFileSync(path.join(root, 'assets', 'app.css'), 'body{}');
  secret = path.join(base, 'secret.txt');
  fs.writeFileSync(secret, 'TOP SECRET');
});

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

beforeEach(() => {
  fake.protocol.registerSchemesAsPrivileged.mockClear();
  fake.protocol.handle.mockClear();
});

function get(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<Response> {
  return createAppRequestHandler(root, media)(new Request(url, { method, headers }));
}

describe('app protocol', () => {
  it('serves index.html with the CSP header', async () => {
    for (const url of ['app://studio/index.html', 'app://studio/']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>studio</title>');
    }
  });

  it('gives assets their content types', async () => {
    expect((await get('app://studio/assets/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://studio/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('refuses paths outside the renderer folder', async () => {
    const attempts = [
      'app://studio/..%2Fsecret.txt',
      'app://studio/assets/..%2F..%2Fsecret.txt',
      'app://studio/%2e%2e/secret.txt',
      'app://studio/..%5Csecret.txt',
      `app://studio/${encodeURIComponent(secret)}`,
      'app://studio/%E0%A4%A',
      'app://studio/index.html%00.js',
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('TOP SECRET');
    }
  });

  it('answers 404 for other hosts, missing files and folders', async () => {
    expect((await get('app://evil/index.html')).status).toBe(404);
    expect((await get('app://studio/missing.js')).status).toBe(404);
    expect((await get('app://studio/assets')).status).toBe(404);
  });

  it('allows only GET and HEAD', async () => {
    expect((await get('app://studio/index.html', 'POST')).status).toBe(405);
    const head = await get('app://studio/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('registers the scheme as standard, secure, fetchable and streamable (for <audio>)', () => {
    registerAppScheme();
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
  });

  it('serves a published media file by its URL, with byte ranges for seeking, and nothing unpublished', async () => {
    const sound = path.join(base, 'sound.webm');
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    fs.writeFileSync(sound, bytes);
    const url = `app://studio/${media.publish(sound)}`;
    const whole = await get(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/webm');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await get(url, 'GET', { Range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await get(url, 'GET', { Range: 'bytes=900-' });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(900))).toBe(true);
    expect((await get(url, 'GET', { Range: 'bytes=1000-' })).status).toBe(416);
    expect((await get('app://studio/media/not-a-key.webm')).status).toBe(404);
    expect((await get(`app://evil/${media.publish(sound)}`)).status).toBe(404);
  });

  it('installs a handler for the app scheme that serves the given folder', async () => {
    installAppProtocol(media, root);
    expect(fake.protocol.handle).toHaveBeenCalledOnce();
    const [scheme, handler] = fake.protocol.handle.mock.calls[0] as [string, (request: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    expect((await handler(new Request('app://studio/assets/app.js'))).status).toBe(200);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../server/contentSecurityPolicy';

const fake = vi.hoisted(() => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
}));

vi.mock('electron', () => ({ protocol: fake.protocol }));

import { createAppRequestHandler, installAppProtocol, registerAppScheme } from './appProtocol';

let base: string;
let root: string;
let secret: string;

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

function get(url: string, method = 'GET'): Promise<Response> {
  return createAppRequestHandler(root)(new Request(url, { method }));
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

  it('registers the scheme as standard, secure and fetchable', () => {
    registerAppScheme();
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('installs a handler for the app scheme that serves the given folder', async () => {
    installAppProtocol(root);
    expect(fake.protocol.handle).toHaveBeenCalledOnce();
    const [scheme, handler] = fake.protocol.handle.mock.calls[0] as [string, (request: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    expect((await handler(new Request('app://studio/assets/app.js'))).status).toBe(200);
  });
});

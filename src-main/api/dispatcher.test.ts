import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../core/errors';
import { API_VERSION } from './contract';
import { errorLogFile } from '../core/errorLog';
import { createDispatcher, type Handlers } from './dispatcher';
import { createStudioApi } from './studioApi';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-api-'));
const api = () => createStudioApi({ mode: 'browser', configDir: tempDir() });
const request = (method: string, params: unknown = {}, id = 7) => ({ v: API_VERSION, id, method, params });

describe('API dispatcher', () => {
  it('answers a valid request with a result that matches the contract', async () => {
    const response = await api().dispatch(request('app.info'));
    expect(response).toMatchObject({ id: 7, ok: true, result: { name: 'Affect Studio', apiVersion: API_VERSION, mode: 'browser' } });
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['a request without a method', { v: API_VERSION, id: 1, params: {} }],
    ['a request with a negative id', { v: API_VERSION, id: -1, method: 'app.info', params: {} }],
    ['a request with extra fields', { ...request('app.info'), extra: true }],
  ])('rejects %s as a bad request without throwing', async (_label, raw) => {
    const response = await api().dispatch(raw);
    expect(response.ok).toBe(false);
    if (!response.ok) expect(response.error.code).toBe('bad_request');
  });

  it('refuses a client that speaks another API version and says which one it speaks', async () => {
    const response = await api().dispatch({ ...request('app.info'), v: API_VERSION + 1 });
    expect(response).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    if (!response.ok) expect(response.error.message).toContain(`version ${API_VERSION}`);
  });

  it('rejects an unknown method by name, including names inherited from Object', async () => {
    for (const method of ['projects.delete', 'toString', '__proto__']) {
      const response = await api().dispatch(request(method));
      expect(response).toMatchObject({ id: 7, ok: false, error: { code: 'unknown_method' } });
    }
  });

  it('rejects params that break the schema and names the offending field', async () => {
    const response = await api().dispatch(request('projects.create', { dir: 42 }));
    expect(response).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    if (!response.ok) expect(response.error.message).toMatch(/dir/);
    const extra = await api().dispatch(request('projects.open', { dir: '/tmp/x', sneaky: 1 }));
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
  });

  it('passes a user-facing failure through with its message', async () => {
    const response = await api().dispatch(request('projects.open', { dir: '/definitely/not/here' }));
    expect(response).toMatchObject({ ok: false, error: { code: 'failed' } });
    if (!response.ok) expect(response.error.message).toContain('/definitely/not/here does not exist');
  });

  it('reports a crashing handler or a result that breaks the contract in one line naming the log, stack in the log', async () => {
    const configDir = tempDir();
    const base = createStudioApi({ mode: 'browser', configDir });
    const handlers = {
      'app.info': () => {
        throw new TypeError('boom\nsecond line');
      },
      'projects.recent': () => [{ path: 3 }],
      'projects.create': () => {
        throw new StudioError('clear message');
      },
    } as unknown as Handlers;
    const dispatch = createDispatcher(handlers, base.reportUnexpected);
    const log = errorLogFile(configDir);

    const crashed = await dispatch(request('app.info'));
    expect(crashed).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!crashed.ok) {
      expect(crashed.error.message).toBe(`unexpected error in app.info: boom (details in ${log})`);
      expect(crashed.error.message).not.toContain(' at ');
    }
    const breach = await dispatch(request('projects.recent'));
    expect(breach).toMatchObject({ ok: false, error: { code: 'internal' } });
    if (!breach.ok) expect(breach.error.message).toMatch(/^unexpected error in projects\.recent: the result breaks the API contract: .* \(details in /);
    expect(await dispatch(request('projects.create', { dir: '/tmp/a' }))).toMatchObject({
      ok: false,
      error: { code: 'failed', message: 'clear message' },
    });
    const logged = fs.readFileSync(log, 'utf8');
    expect(logged).toContain('TypeError: boom\nsecond line\n    at ');
    expect(logged).toContain('projects.recent');
    expect(logged).not.toContain('clear message');
    expect((await base.dispatch(request('app.info'))).ok).toBe(true);
  });

  it('pushes a data.changed event when a project is created', async () => {
    const studio = api();
    const seen: unknown[] = [];
    studio.events.subscribe((event) => seen.push(event));
    const dir = path.join(tempDir(), 'project');
    const response = await studio.dispatch(request('projects.create', { dir, name: 'Study' }));
    expect(response.ok).toBe(true);
    expect(seen).toContainEqual({ event: 'data.changed', payload: { entity: 'recentProjects' } });
    expect(await studio.dispatch(request('projects.recent'))).toMatchObject({ ok: true, result: [{ path: dir, name: 'Study', available: true }] });
  });

  it('refuses to emit an event whose payload breaks the contract', () => {
    const studio = api();
    expect(() => studio.events.emit('data.changed', { entity: 'nonsense' } as never)).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { API_VERSION } from '../../src-main/api/contract';
import { ApiError } from '../../src-main/api/envelope';
import { createClient, type Transport } from './client';

/** A transport whose answers the test scripts; it records what the client sent. */
function scriptedTransport(answer: (request: { id: number; method: string }) => unknown) {
  const sent: unknown[] = [];
  let pushEvent: (raw: unknown) => void = () => undefined;
  const transport: Transport = {
    request: async (envelope) => {
      sent.push(envelope);
      return answer(envelope as { id: number; method: string });
    },
    onEvent: (listener) => (pushEvent = listener),
    onDisconnect: () => undefined,
  };
  return { transport, sent, push: (raw: unknown) => pushEvent(raw) };
}

describe('renderer API client', () => {
  it('sends versioned requests with increasing ids and returns the validated result', async () => {
    const { transport, sent } = scriptedTransport(({ id }) => ({ id, ok: true, result: [] }));
    const client = createClient(transport);
    expect(await client.call('projects.recent', {})).toEqual([]);
    await client.call('projects.recent', {});
    expect(sent).toEqual([
      { v: API_VERSION, id: 1, method: 'projects.recent', params: {} },
      { v: API_VERSION, id: 2, method: 'projects.recent', params: {} },
    ]);
  });

  it('turns an error response into an ApiError with the server message', async () => {
    const { transport } = scriptedTransport(({ id }) => ({ id, ok: false, error: { code: 'failed', message: '/x does not exist.' } }));
    await expect(createClient(transport).call('projects.open', { dir: '/x' })).rejects.toEqual(new ApiError('failed', '/x does not exist.'));
  });

  it('rejects a malformed response and a result that breaks the contract', async () => {
    const garbage = scriptedTransport(() => 'garbage');
    await expect(createClient(garbage.transport).call('projects.recent', {})).rejects.toThrow(/malformed response/);
    const wrongShape = scriptedTransport(({ id }) => ({ id, ok: true, result: [{ path: 1 }] }));
    await expect(createClient(wrongShape.transport).call('projects.recent', {})).rejects.toThrow(/unexpected result/);
  });

  it('delivers valid events to their listeners and drops malformed ones', () => {
    const { transport, push } = scriptedTransport(() => null);
    const client = createClient(transport);
    const seen: unknown[] = [];
    const unsubscribe = client.on('data.changed', (payload) => seen.push(payload));
    push({ event: 'data.changed', payload: { entity: 'videos', projectPath: '/p' } });
    push({ event: 'data.changed', payload: { entity: 'not-an-entity' } });
    push({ event: 'no.such.event', payload: {} });
    push('junk');
    unsubscribe();
    push({ event: 'data.changed', payload: { entity: 'labels' } });
    expect(seen).toEqual([{ entity: 'videos', projectPath: '/p' }]);
  });
});

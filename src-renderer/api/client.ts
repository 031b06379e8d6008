/**
 * The renderer's only way to reach the studio. The same typed interface runs over Electron IPC (through the
 * preload bridge) or over browser mode's WebSocket; every response and event is validated against the contract.
 */
import { events, isEventName, methods, type EventName, type EventPayload, type MethodName, type Params, type Result } from '../../src-main/api/contract';
import { API_VERSION } from '../../src-main/api/contract';
import { ApiError, describeZodError, EventEnvelope, ResponseEnvelope } from '../../src-main/api/envelope';

export interface StudioClient {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Called when the connection to the studio is lost (browser mode: the server stopped). */
  onDisconnect(listener: () => void): void;
}

/** A raw channel: send a request envelope, get the response envelope; receive event envelopes. */
export interface Transport {
  request(envelope: unknown): Promise<unknown>;
  onEvent(listener: (raw: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

export function createClient(transport: Transport): StudioClient {
  let nextId = 1;
  const listeners = new Map<EventName, Set<(payload: never) => void>>();

  transport.onEvent((raw) => {
    const envelope = EventEnvelope.safeParse(raw);
    if (!envelope.success || !isEventName(envelope.data.event)) return;
    const name = envelope.data.event;
    const payload = events[name].safeParse(envelope.data.payload);
    if (!payload.success) return;
    for (const listener of listeners.get(name) ?? []) (listener as (p: unknown) => void)(payload.data);
  });

  return {
    async call(method, params) {
      const raw = await transport.request({ v: API_VERSION, id: nextId++, method, params });
      const response = ResponseEnvelope.safeParse(raw);
      if (!response.success) throw new ApiError('bad_request', `The studio sent a malformed response: ${describeZodError(response.error)}`);
      if (!response.data.ok) throw new ApiError(response.data.error.code, response.data.error.message);
      const result = methods[method].result.safeParse(response.data.result);
      if (!result.success) throw new ApiError('bad_request', `${method}: unexpected result: ${describeZodError(result.error)}`);
      return result.data as Result<typeof method>;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    onDisconnect(listener) {
      transport.onDisconnect(listener);
    },
  };
}

/**
 * Turns one raw message from a transport into one response. Never throws: a malformed message, an unknown
 * method, bad params or a failing handler all come back as an error response, so no client can crash main.
 */
import { StudioError } from '../core/errors';
import { isMethodName, methods, type MethodName, type Result } from './contract';
import { describeZodError, RequestEnvelope, type ApiErrorCode, type ResponseEnvelope } from './envelope';
import type { z } from 'zod';

export type Handlers = {
  [M in MethodName]: (params: z.output<(typeof methods)[M]['params']>) => Promise<Result<M>> | Result<M>;
};

export type Dispatch = (raw: unknown) => Promise<ResponseEnvelope>;

/**
 * `reportUnexpected` logs an error that is a bug (with its stack, where the user cannot see it) and returns the
 * one line the client is sent instead, which names the log file.
 */
export function createDispatcher(handlers: Handlers, reportUnexpected: (context: string, error: unknown) => string): Dispatch {
  return async (raw) => {
    const request = RequestEnvelope.safeParse(raw);
    if (!request.success) {
      return fail(idOf(raw), 'bad_request', `malformed request: ${describeZodError(request.error)}`);
    }
    const { id, method, params } = request.data;
    if (!isMethodName(method)) return fail(id, 'unknown_method', `unknown method "${method}"`);

    const parsedParams = methods[method].params.safeParse(params ?? {});
    if (!parsedParams.success) {
      return fail(id, 'invalid_params', `${method}: ${describeZodError(parsedParams.error)}`);
    }
    try {
      const handler = handlers[method] as (p: unknown) => unknown;
      const result = methods[method].result.safeParse(await handler(parsedParams.data));
      if (!result.success) {
        const breach = new Error(`the result breaks the API contract: ${describeZodError(result.error)}`);
        return fail(id, 'internal', reportUnexpected(method, breach));
      }
      return { id, ok: true, result: result.data };
    } catch (error) {
      if (error instanceof StudioError) return fail(id, 'failed', error.message);
      return fail(id, 'internal', reportUnexpected(method, error));
    }
  };
}

function fail(id: number | null, code: ApiErrorCode, message: string): ResponseEnvelope {
  return { id, ok: false, error: { code, message } };
}

/** Echo the id of a request that is malformed elsewhere, so the client can still settle its promise. */
function idOf(raw: unknown): number | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && Number.isInteger(raw.id)) return raw.id as number;
  return null;
}

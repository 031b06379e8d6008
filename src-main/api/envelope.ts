/**
 * The wire format shared by both transports (Electron IPC and the browser-mode WebSocket).
 * A request names a method and carries an id the response echoes; events have no id.
 */
import { z } from 'zod';
import { API_VERSION } from './contract';

export const RequestEnvelope = z
  .object({
    v: z.literal(API_VERSION, { error: `unsupported API version (this studio speaks version ${API_VERSION})` }),
    id: z.number().int().nonnegative(),
    method: z.string().min(1).max(100),
    params: z.unknown(),
  })
  .strict();
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const ApiErrorCode = z.enum(['bad_request', 'unknown_method', 'invalid_params', 'failed', 'internal']);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiErrorBody = z.object({ code: ApiErrorCode, message: z.string() });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export const ResponseEnvelope = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int().nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int().nullable(), ok: z.literal(false), error: ApiErrorBody }),
]);
export type ResponseEnvelope = z.infer<typeof ResponseEnvelope>;

export const EventEnvelope = z.object({ event: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** What a client sees when a call fails: the server's code and message, never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns a zod failure into one readable line: "dir: path is empty; name: ...". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

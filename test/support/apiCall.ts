/**
 * Calls the studio's API the way a client does (a versioned request through the dispatcher), throwing the
 * error message when the call fails, so a test reads like the UI's own calls.
 */
import { API_VERSION } from '../../src-main/api/contract';
import type { StudioApi } from '../../src-main/api/studioApi';

export type ApiCall = <T = never>(method: string, params: Record<string, unknown>) => Promise<T>;

export function apiCaller(api: Pick<StudioApi, 'dispatch'>): ApiCall {
  let nextId = 1;
  return async <T = never>(method: string, params: Record<string, unknown>): Promise<T> => {
    const response = await api.dispatch({ v: API_VERSION, id: nextId++, method, params });
    if (!response.ok) throw new Error(response.error.message);
    return response.result as T;
  };
}

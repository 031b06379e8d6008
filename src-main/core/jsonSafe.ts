/** Reports go out as JSON, which has no NaN: an undefined statistic becomes null (what the CLI prints and the API returns). */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
}

/** Structured logs: one JSON object per line, every line carrying the request id. */

export type LogLevel = 'info' | 'warn' | 'error';

export interface RequestLog {
  readonly requestId: string;
  readonly environment: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** The region that answered, when one did. */
  readonly region?: string;
  /** Every origin attempt, in order. */
  readonly attempts?: ReadonlyArray<{ region: string; status?: number; error?: string; ms: number }>;
  /** Session cache outcome: `hit`, `miss`, or `none` without a token. */
  readonly session?: 'hit' | 'miss' | 'none';
  /** The rule that refused the request, on 429. */
  readonly rateLimited?: string;
  /** The error code of a refused request. */
  readonly error?: string;
  readonly geoRegion?: string;
  readonly colo?: string;
}

export function levelFor(status: number): LogLevel {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

export function logRequest(entry: RequestLog): void {
  console.log(JSON.stringify({ level: levelFor(entry.status), event: 'request', ...entry }));
}

/** For failures outside a request's normal flow (a rate-limit record that failed, a bug). */
export function logEvent(level: LogLevel, event: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ level, event, ...fields }));
}

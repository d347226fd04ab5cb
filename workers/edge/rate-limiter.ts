/**
 * Sliding-window rate limiting (seed 002, section 6; seed 000, section 2.3): one Durable
 * Object per subject (`user:<id>` or `ip:<address>`) keeps, per rule, the times of the
 * requests inside the window. A request is allowed while fewer than `limit` remain in the
 * last `windowMs`; when it is not, Retry-After is the time until enough of them age out.
 *
 * Counts live in the object's memory. Cloudflare runs one instance per id worldwide, so the
 * limit is global and exact, and the window is never persisted: an object evicted after
 * being idle starts empty, which can only let a client through sooner, never later.
 */
import { DurableObjectNamespace, DurableObjectState } from './runtime';

/** One limit to check for a subject. */
export interface RuleCheck {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Count this request when allowed. False only peeks (failed logins are counted after the answer). */
  readonly consume: boolean;
}

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly rule: string; readonly retryAfterSeconds: number };

/** Bounds memory for rules recorded without a check (failed logins). */
const MAX_ENTRIES_PER_RULE = 10_000;

/** The Durable Object class (exported by the Worker as `RateLimiter`). */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(_state: DurableObjectState, _env: unknown) {}

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const body = (await request.json()) as { checks?: RuleCheck[]; record?: { name: string; windowMs: number } };
    const now = Date.now();
    if (url.pathname === '/record' && body.record) {
      this.record(body.record.name, body.record.windowMs, now);
      return Response.json({ recorded: true });
    }
    return Response.json(this.check(body.checks ?? [], now));
  }

  /** All rules must allow the request; only then are the consuming ones counted. */
  private check(checks: readonly RuleCheck[], now: number): Verdict {
    for (const rule of checks) {
      const times = this.prune(rule.name, rule.windowMs, now);
      if (times.length >= rule.limit) {
        const oldestThatMustExpire = times[times.length - rule.limit];
        return { allowed: false, rule: rule.name, retryAfterSeconds: Math.max(1, Math.ceil((oldestThatMustExpire + rule.windowMs - now) / 1000)) };
      }
    }
    for (const rule of checks) if (rule.consume) this.record(rule.name, rule.windowMs, now);
    return { allowed: true };
  }

  private record(name: string, windowMs: number, now: number): void {
    const times = this.prune(name, windowMs, now);
    times.push(now);
    if (times.length > MAX_ENTRIES_PER_RULE) times.splice(0, times.length - MAX_ENTRIES_PER_RULE);
  }

  /** The rule's request times still inside the window, oldest first. */
  private prune(name: string, windowMs: number, now: number): number[] {
    let times = this.windows.get(name);
    if (!times) {
      times = [];
      this.windows.set(name, times);
    }
    let expired = 0;
    while (expired < times.length && times[expired] <= now - windowMs) expired++;
    if (expired > 0) times.splice(0, expired);
    return times;
  }
}

/** Asks the subject's object whether `checks` allow the request (and counts it when they do). */
export async function checkLimits(namespace: DurableObjectNamespace, subject: string, checks: readonly RuleCheck[]): Promise<Verdict> {
  const stub = namespace.get(namespace.idFromName(subject));
  const response = await stub.fetch('https://rate-limiter/check', { method: 'POST', body: JSON.stringify({ checks }) });
  return (await response.json()) as Verdict;
}

/** Counts one event (a failed login) against the subject. */
export async function recordEvent(namespace: DurableObjectNamespace, subject: string, name: string, windowMs: number): Promise<void> {
  const stub = namespace.get(namespace.idFromName(subject));
  await stub.fetch('https://rate-limiter/record', { method: 'POST', body: JSON.stringify({ record: { name, windowMs } }) });
}

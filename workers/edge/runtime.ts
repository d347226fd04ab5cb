/**
 * The parts of the Workers runtime API the edge Worker uses, typed structurally so the
 * project's one tsconfig (Node types) checks the Worker too, without a second type package.
 */
import { LimitsConfig, RoutingConfig, SettingsConfig } from './contract';

/** A Workers KV namespace binding. */
export interface KvNamespace {
  get(key: string, options?: { cacheTtl?: number }): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface DurableObjectStub {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

export interface DurableObjectId {
  toString(): string;
}

/** A Durable Object namespace binding. */
export interface DurableObjectNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DurableObjectStub;
}

/** What a Durable Object's constructor receives. */
export interface DurableObjectState {
  readonly id: DurableObjectId;
}

export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** `request.cf`: where Cloudflare saw the request come from. Every field may be missing. */
export interface RequestLocation {
  readonly continent?: string;
  readonly country?: string;
  readonly latitude?: string;
  readonly longitude?: string;
  readonly colo?: string;
}

/** A service binding: another Worker of the account, called without leaving Cloudflare. */
/**
 * The Workers `cf` options of an outgoing fetch that the Worker uses. `resolveOverride`: connect to
 * the address of this hostname, keeping the URL's host as the Host header; Cloudflare applies it
 * only when both hostnames are in the zone the Worker runs on.
 */
export interface OutboundCf {
  readonly resolveOverride?: string;
}

/** Fetch options with the Workers `cf` member (the DOM/Node typings lack it). */
export type WorkerRequestInit = RequestInit & { readonly cf?: OutboundCf };

export interface ServiceBinding {
  fetch(request: Request): Promise<Response>;
}

/** The Worker's bindings (see `BINDING` in contract.ts), and one service binding per edge-first service (`edgeServiceBinding`). */
export interface EdgeEnv {
  readonly SESSIONS: KvNamespace;
  readonly EDGE_STATE: KvNamespace;
  readonly RATE_LIMITER: DurableObjectNamespace;
  readonly ROUTING: RoutingConfig;
  readonly LIMITS: LimitsConfig;
  readonly SETTINGS: SettingsConfig;
  readonly ENVIRONMENT: string;
  readonly [serviceBinding: `EDGE_SERVICE_${string}`]: ServiceBinding | undefined;
}

/** `request.cf`, when the runtime provides it. */
export function locationOf(request: Request): RequestLocation | undefined {
  return (request as Request & { cf?: RequestLocation }).cf;
}

import { Construct } from 'constructs';
import { WorkersKvNamespace } from '@cdktf/provider-cloudflare/lib/workers-kv-namespace';
import { WorkersRoute } from '@cdktf/provider-cloudflare/lib/workers-route';
import { WorkersScript, WorkersScriptBindings } from '@cdktf/provider-cloudflare/lib/workers-script';
import { EDGE_WORKER_COMPATIBILITY_DATE, EDGE_WORKER_MAIN_MODULE, WorkerBundle } from '../../workers/bundle';
import { BINDING, LimitsConfig, RATE_LIMITER_CLASS, RoutingConfig, SettingsConfig } from '../../workers/edge/contract';
import { terraformLiteral } from '../../synthesis/terraform-literal';
import { checkProps } from '../shared/validation';
import { EdgeZone } from './edge-zone';

/** Props of EdgeWorker. */
export interface EdgeWorkerProps {
  readonly zone: EdgeZone;
  /** Script name; prefixes the KV namespace titles. */
  readonly scriptName: string;
  /** The bundled Worker (`edgeWorkerBundle()`), the same for every environment. */
  readonly bundle: WorkerBundle;
  /** Environment name, for the Worker's logs. */
  readonly environmentName: string;
  /** Regions, origins and failover tables (the `ROUTING` binding). */
  readonly routing: RoutingConfig;
  /** Rate limits (the `LIMITS` binding). */
  readonly limits: LimitsConfig;
  /** Tunables (the `SETTINGS` binding). */
  readonly settings: SettingsConfig;
  /** Hostnames the Worker runs on; each gets the route `<host>/*`. */
  readonly routeHosts: readonly string[];
  /** Workers runtime behaviour the code is written against. @default EDGE_WORKER_COMPATIBILITY_DATE */
  readonly compatibilityDate?: string;
  /** Edge-first services' Workers, bound by service binding (`routing.edgeServices` names the bindings). @default [] */
  readonly edgeServices?: ReadonlyArray<{ readonly binding: string; readonly scriptName: string }>;
}

/**
 * The edge Worker (workers/edge) and what it binds: a KV namespace for cached sessions, a KV
 * namespace for edge state (region health flags), the `RateLimiter` Durable Object, and the
 * environment's routing, limits and settings as JSON bindings. Routes put it in front of the
 * product's hosts. The Durable Object class is created by the migration tagged `v1`; a later
 * class needs a new tag with `oldTag: "v1"`.
 */
export class EdgeWorker extends Construct {
  readonly script: WorkersScript;
  readonly sessions: WorkersKvNamespace;
  readonly edgeState: WorkersKvNamespace;
  readonly routes: readonly WorkersRoute[];

  constructor(scope: Construct, id: string, props: EdgeWorkerProps) {
    super(scope, id);
    const compatibilityDate = props.compatibilityDate ?? EDGE_WORKER_COMPATIBILITY_DATE;
    const { routing, limits, settings } = props;
    const missingOrigins = routing.regions.filter((r) => !routing.origins[r]);
    checkProps(this, [
      { failed: routing.regions.length === 0, message: 'routing.regions: needs at least one region' },
      { failed: missingOrigins.length > 0, message: `routing.origins: no origin for ${missingOrigins.join(', ')}` },
      ...Object.entries(limits).map(([name, value]) => ({
        failed: !Number.isInteger(value) || value < 1,
        message: `limits.${name}: must be a whole number of at least 1 (0 would refuse every request); received ${value}`,
      })),
      {
        failed: settings.sessionCacheTtlSeconds < 60,
        message: `settings.sessionCacheTtlSeconds: KV keeps entries at least 60 s; received ${settings.sessionCacheTtlSeconds}`,
      },
      { failed: settings.maxRequestBodyBytes < 1, message: `settings.maxRequestBodyBytes: must be at least 1; received ${settings.maxRequestBodyBytes}` },
      { failed: settings.originTimeoutMs < 1, message: `settings.originTimeoutMs: must be at least 1; received ${settings.originTimeoutMs}` },
      { failed: settings.healthCacheSeconds < 0, message: `settings.healthCacheSeconds: must not be negative; received ${settings.healthCacheSeconds}` },
      { failed: props.routeHosts.length === 0, message: 'routeHosts: needs at least one host' },
      { failed: !/^\d{4}-\d{2}-\d{2}$/.test(compatibilityDate), message: `compatibilityDate: must be YYYY-MM-DD; received ${compatibilityDate}` },
    ]);

    this.sessions = new WorkersKvNamespace(this, 'sessions', { accountId: props.zone.accountId, title: `${props.scriptName}-sessions` });
    this.edgeState = new WorkersKvNamespace(this, 'edge-state', { accountId: props.zone.accountId, title: `${props.scriptName}-edge-state` });
    const json = (name: string, value: unknown): WorkersScriptBindings => ({ type: 'json', name, json: terraformLiteral(JSON.stringify(value)) });
    this.script = new WorkersScript(this, 'script', {
      accountId: props.zone.accountId,
      scriptName: props.scriptName,
      mainModule: EDGE_WORKER_MAIN_MODULE,
      content: terraformLiteral(props.bundle.code),
      compatibilityDate,
      bindings: [
        { type: 'kv_namespace', name: BINDING.sessions, namespaceId: this.sessions.id },
        { type: 'kv_namespace', name: BINDING.edgeState, namespaceId: this.edgeState.id },
        { type: 'durable_object_namespace', name: BINDING.rateLimiter, className: RATE_LIMITER_CLASS },
        json(BINDING.routing, routing),
        json(BINDING.limits, limits),
        json(BINDING.settings, settings),
        { type: 'plain_text', name: BINDING.environment, text: props.environmentName },
        ...(props.edgeServices ?? []).map((s) => ({ type: 'service', name: s.binding, service: s.scriptName })),
      ],
      migrations: { newTag: 'v1', newSqliteClasses: [RATE_LIMITER_CLASS] },
      observability: { enabled: true },
    });
    this.routes = props.routeHosts.map(
      (host) => new WorkersRoute(this, `route-${host}`, { zoneId: props.zone.zoneId, pattern: `${host}/*`, script: this.script.scriptName }),
    );
  }
}

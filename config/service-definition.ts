/**
 * The service catalog: each product service defined once (`services/<name>.yaml`), validated
 * by `config/service-schema.ts`. The same definition renders to docker compose on single-host
 * stages (`services/compose.ts`) and to Kubernetes objects on cluster stages
 * (`services/kubernetes/`). Pure types and tables: no file is read here.
 */
import { Stage } from './stages';

/** What a service can depend on besides other services, and the stages that have it. */
export const DATA_STORE_KINDS = ['database', 'redis', 'queue', 'rabbitmq', 'kafka', 'search', 'objectStorage'] as const;
export type DataStoreKind = (typeof DATA_STORE_KINDS)[number];

/**
 * Which stages run each data store (DESIGN.md's stage table): the SQL database (Postgres on the
 * host, RDS, Aurora, or CockroachDB), Redis (on the host, then ElastiCache), the queue
 * (RabbitMQ from traction, an Amazon MQ broker beside the hosts there; Kafka from growth, by
 * default from hyperscale), search (OpenSearch from growth) and S3. Launch is one server: no queue.
 */
export const DATA_STORE_STAGES: Readonly<Record<DataStoreKind, readonly Stage[]>> = {
  database: ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'],
  redis: ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'],
  queue: ['traction', 'growth', 'scale', 'hyperscale', 'massive'],
  // A named broker, where the environment runs both (components.queue: [rabbitmq, kafka]).
  rabbitmq: ['traction', 'growth', 'scale', 'hyperscale', 'massive'],
  kafka: ['growth', 'scale', 'hyperscale', 'massive'],
  search: ['growth', 'scale', 'hyperscale', 'massive'],
  objectStorage: ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'],
};

/**
 * What a service is (issue 18): `web` serves HTTP (public or internal), `worker` consumes a
 * queue, `job` runs to completion on a cron schedule, `gateway` holds long-lived connections.
 */
export const SERVICE_KINDS = ['web', 'worker', 'job', 'gateway'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** A CronJob's `concurrencyPolicy`: what happens when a run is due while the last one runs. */
export const CONCURRENCY_POLICIES = ['Forbid', 'Replace', 'Allow'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

/** Job defaults: a run may take an hour, and is retried twice on a cluster. */
export const JOB_DEFAULTS = { deadlineSeconds: 3600, retries: 2, concurrencyPolicy: 'Forbid' } as const;

/** Seconds a stopping container keeps serving: long for connections a gateway holds, short otherwise. */
export const DRAIN_SECONDS: Readonly<Record<ServiceKind, number>> = { web: 30, worker: 30, job: 30, gateway: 300 };

/** When and how a job runs. */
export interface JobSchedule {
  /** Five-field cron expression, validated (config/cron.ts). */
  readonly cron: string;
  /** IANA time zone of `cron`; undefined is UTC. */
  readonly timeZone?: string;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  readonly deadlineSeconds: number;
  /** Failed runs retried on a cluster (the Job's backoffLimit). */
  readonly retries: number;
}

/** The product's hosts a public port can be reached on: `<domain>`, `www.<domain>`, `api.<domain>` (the edge's records). */
export const PUBLIC_HOSTS = ['apex', 'www', 'api'] as const;
export type PublicHost = (typeof PUBLIC_HOSTS)[number];

/** Where a public port is reached from the internet. */
export interface PublicRoute {
  /** Product hosts it answers on. */
  readonly hosts: readonly PublicHost[];
  /** Path prefix: the path itself and everything below it (`/` serves every path). */
  readonly path: string;
  /** WebSocket upgrades are passed through. */
  readonly websocket: boolean;
}

/** One container port. */
export interface ServicePort {
  /** IANA-style port name (`http`, `ws`); probes and Services refer to it. */
  readonly name: string;
  readonly port: number;
  /** Reached from the internet through the load balancer (cluster) or the host's web port (compose). */
  readonly public: boolean;
  /** Host and path prefix of a public port; undefined on private ports. */
  readonly route?: PublicRoute;
  /**
   * Public ports: the load balancer path patterns of its route (`/ws` → `/ws`, `/ws/*`); empty for
   * a route on `/`, which takes every path no other port takes.
   */
  readonly paths: readonly string[];
  /**
   * Public ports on clusters: the fixed node port of its NodePort Service, which the load
   * balancer's instance target group sends to. @default `defaultNodePort(service, port name)`
   */
  readonly nodePort?: number;
}

/** The NodePort range of a default kube-apiserver (`--service-node-port-range`). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/** Node ports the platform uses itself; no public service port may take them. */
export const RESERVED_NODE_PORTS: Readonly<Record<string, number>> = {
  /** CockroachDB's join Service (massive): the regional NLB forwards 26257 to it. */
  cockroachJoin: 32657,
};

/**
 * The node port a public port gets when its definition names none: a hash (FNV-1a) of
 * `<service>/<port name>` into the NodePort range. Deterministic and independent of the other
 * services, so adding a service never moves another one's port (and its target group); a
 * collision is reported when the catalog is read, and `nodePort` settles it.
 */
export function defaultNodePort(service: string, portName: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(`${service}/${portName}`, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return NODE_PORT_RANGE.min + (hash % (NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1));
}

/** The public ports of a service, each with its node port resolved. */
export function publicPorts(service: ServiceDefinition): Array<ServicePort & { readonly nodePort: number }> {
  return service.ports.filter((p) => p.public).map((p) => ({ ...p, nodePort: p.nodePort ?? defaultNodePort(service.name, p.name) }));
}

/** The full name of a product host in `domain`. */
export function publicHostName(host: PublicHost, domain: string): string {
  return host === 'apex' ? domain : `${host}.${domain}`;
}

/** HTTP health endpoints. */
export interface ServiceHealth {
  /** Port name the endpoints listen on. */
  readonly port: string;
  /** Path that answers 200 while the process is alive (liveness). */
  readonly livenessPath: string;
  /** Path that answers 200 when the service can take traffic (readiness). */
  readonly readinessPath: string;
}

/** CPU in millicores and memory in MiB. */
export interface ResourceAmounts {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

/** How a service's pod count is decided. */
export type ScalingRule =
  /** The websocket gateway rule of seed 002 §10 (`sizing/autoscaling/websocket-gateway.ts`); range from the sizing. */
  | { readonly rule: 'websocket-gateway' }
  /** CPU target 70% (`sizing/autoscaling/api.ts`); range from the sizing. */
  | { readonly rule: 'api' }
  /** A plain CPU rule with its own range, for workers. */
  | { readonly rule: 'cpu'; readonly cpuTargetPercent: number; readonly min: number; readonly max: number }
  /**
   * The backlog of the topics it consumes (RabbitMQ queue depth, Kafka consumer lag) per pod, with
   * its own range: enforced by the region's queue-scaler (services/platform/queue-scaler.ts), not an HPA.
   */
  | {
      readonly rule: 'queue';
      readonly min: number;
      readonly max: number;
      /** Backlog one pod is meant to carry. @default demand.messagesPerSecondPerPod × BACKLOG_DRAIN_SECONDS */
      readonly targetBacklogPerPod?: number;
    }
  /** A fixed number of pods, no autoscaler. */
  | { readonly rule: 'fixed'; readonly replicas: number };

/**
 * The default backlog target of a queue rule is the messages a pod clears in this many seconds
 * (`demand.messagesPerSecondPerPod` × 60): a backlog the running pods would take longer than a
 * minute to drain adds pods.
 */
export const BACKLOG_DRAIN_SECONDS = 60;

/** Scaling rules with their own min and max (overridable per environment with `services.<name>.min/max`). */
export type RangedScalingRule = Extract<ScalingRule, { readonly min: number }>;

/** A ranged rule (cpu, queue), or undefined. */
export function rangedRule(scaling: ScalingRule): RangedScalingRule | undefined {
  return scaling.rule === 'cpu' || scaling.rule === 'queue' ? scaling : undefined;
}

/**
 * The backlog a queue-scaled service's pod carries: its `targetBacklogPerPod`, else what a pod of its
 * queue demand clears in BACKLOG_DRAIN_SECONDS; undefined for other rules (or when neither is set,
 * which the catalog refuses).
 */
export function backlogTargetPerPod(service: Pick<ServiceDefinition, 'scaling' | 'demand'>): { perPod: number; source: string } | undefined {
  const scaling = service.scaling;
  if (scaling.rule !== 'queue') return undefined;
  if (scaling.targetBacklogPerPod !== undefined) return { perPod: scaling.targetBacklogPerPod, source: 'scaling.targetBacklogPerPod' };
  if (service.demand.driver !== 'queue') return undefined;
  const perPod = Math.max(1, Math.ceil(service.demand.messagesPerSecondPerPod * BACKLOG_DRAIN_SECONDS));
  return { perPod, source: `demand.messagesPerSecondPerPod ${service.demand.messagesPerSecondPerPod} × ${BACKLOG_DRAIN_SECONDS} s drain` };
}

/**
 * What drives a service's load, so the sizing can derive its pods from the environment's
 * workload (`sizing/service-pods.ts`); the product's messages and connections are the sum of what these
 * declare (`sizing/demand.ts`). Absent figures take the workload's values, named below.
 */
export type ServiceDemand =
  /** HTTP requests: peak req/s × CPU per request ÷ the pod's CPU request. */
  | {
      readonly driver: 'requests';
      /** Requests each daily active user sends this service a day. @default the workload's requestsPerDauPerDay */
      readonly requestsPerDailyUser?: number;
      /** CPU milliseconds one request costs. */
      readonly cpuMillisPerRequest: number;
    }
  /** Long-lived connections: peak connections ÷ connections per pod. */
  | {
      readonly driver: 'connections';
      /** Connections held at the daily peak per daily active user; summed into the product's connections. @default the workload's concurrentRatio */
      readonly connectionsPerDailyUser?: number;
      /** Connections one pod holds at most; `max` pods are sized at this. */
      readonly connectionsPerPod: number;
      /** Connections per pod at which pods are added; `min` pods are sized at this. @default 90% of connectionsPerPod */
      readonly scaleAtConnectionsPerPod?: number;
    }
  /** Queue messages: peak messages/s ÷ messages one pod processes a second. */
  | {
      readonly driver: 'queue';
      /** Messages each daily active user puts on this service's queue a day; summed into the product's messages. @default the workload's messagesPerDauPerDay; required without it */
      readonly messagesPerDailyUser?: number;
      /** Messages one pod processes a second at full CPU. */
      readonly messagesPerSecondPerPod: number;
    }
  /** No demand figure: the pods are the scaling rule's (fixed replicas, or a cpu rule's min..max). */
  | { readonly driver: 'fixed' };

/** An edge-first service's Worker (`edge:` in its file). */
export interface EdgeRuntime {
  /** The module's path relative to the project root, for messages. */
  readonly modulePath: string;
  /** The module's code, as read when the catalog was loaded. */
  readonly code: string;
  readonly durableObjects: readonly string[];
  readonly kvNamespaces: readonly string[];
  readonly durableObjectRequestsPerRequest: number;
  readonly kvReadsPerRequest: number;
}

/** The data stores an edge-first service may use: a Worker reaches no VPC, so only a database outside one (CockroachDB Cloud). */
export const EDGE_REACHABLE_STORES: readonly DataStoreKind[] = ['database'];

/** One service container, as `services/<name>.yaml` defines it. */
export interface ServiceDefinition {
  /** DNS-label name; also the Deployment, Service, ServiceAccount and compose service name. */
  readonly name: string;
  readonly description: string;
  /** What the service is; derived when the file names none (config/services.ts `serviceKindOf`). */
  readonly kind: ServiceKind;
  /** Image pinned by tag or digest, never `latest`. */
  readonly image: string;
  readonly ports: readonly ServicePort[];
  /** HTTP health endpoints; undefined for a job, which runs to completion. */
  readonly health?: ServiceHealth;
  /** When a job runs; undefined for the other kinds. */
  readonly schedule?: JobSchedule;
  /** Seconds a stopping container keeps serving (termination grace, deregistration delay). */
  readonly drainSeconds: number;
  /**
   * Application secrets by name: each is a Secrets Manager secret the operator fills, read by this
   * service only and mounted as `/run/secrets/<NAME>`. Never values.
   */
  readonly secrets: readonly string[];
  /** Writes the R2 archive bucket (hyperscale and up; config/r2-buckets.ts). @default false */
  readonly archive?: boolean;
  readonly resources: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts };
  /** Plain settings. Secrets are never here: see `dataStores` (their credentials are referenced, not copied). */
  readonly env: Readonly<Record<string, string>>;
  /** Data stores it talks to; network policies allow exactly these. */
  readonly dataStores: readonly DataStoreKind[];
  /**
   * Queue topics it reads (as the consumer group named after it) and writes: `consumes` and
   * `produces` on its one broker, `kafka` and `rabbitmq` on the broker they name (a service of both).
   * Its credential on each broker covers exactly that broker's (config/components.ts `topicsOn`).
   */
  readonly topics: ServiceTopics & { readonly [B in QueueBroker]?: ServiceTopics };
  /** Other services it calls; they must run in the same stage. */
  readonly calls: readonly string[];
  /** Stages that run it. */
  readonly stages: readonly Stage[];
  /** How the pod count is decided; a job runs one pod per run (`fixed`, 1). */
  readonly scaling: ScalingRule;
  /** What drives its load. @default { driver: 'fixed' } */
  readonly demand: ServiceDemand;
  /** Edge-first: a Worker at the edge instead of containers in the regions. @default none */
  readonly edge?: EdgeRuntime;
  /** The file it was read from, for messages. */
  readonly sourceFile: string;
}

/** The message brokers a service can name (`dataStores`, `topics.<broker>`), as `components.queue` runs them. */
export const QUEUE_BROKERS = ['rabbitmq', 'kafka'] as const;
export type QueueBroker = (typeof QUEUE_BROKERS)[number];

/** The topics a service reads and writes on one broker. */
export interface ServiceTopics {
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
}

/** Public ports are served on this container port (the ALB target group and the host's reverse proxy). */
export const PUBLIC_CONTAINER_PORT = 8080;

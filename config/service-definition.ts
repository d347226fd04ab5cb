/**
 * The service catalog: each product service defined once (`services/<name>.yaml`), validated
 * by `config/service-schema.ts`. The same definition renders to docker compose on single-host
 * stages (`services/compose.ts`) and to Kubernetes objects on cluster stages
 * (`services/kubernetes/`). Pure types and tables: no file is read here.
 */
import { Stage } from './stages';

/** What a service can depend on besides other services, and the stages that have it. */
export const DATA_STORE_KINDS = ['database', 'redis', 'queue', 'search', 'objectStorage'] as const;
export type DataStoreKind = (typeof DATA_STORE_KINDS)[number];

/**
 * Which stages run each data store (DESIGN.md's stage table): the SQL database (Postgres on the
 * host, RDS, Aurora, or CockroachDB), Redis (on the host, then ElastiCache), the queue
 * (RabbitMQ on growth and scale, Kafka from hyperscale), search (OpenSearch from growth) and S3.
 */
export const DATA_STORE_STAGES: Readonly<Record<DataStoreKind, readonly Stage[]>> = {
  database: ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'],
  redis: ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'],
  queue: ['growth', 'scale', 'hyperscale', 'massive'],
  search: ['growth', 'scale', 'hyperscale', 'massive'],
  objectStorage: ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'],
};

/** One container port. */
export interface ServicePort {
  /** IANA-style port name (`http`, `ws`); probes and Services refer to it. */
  readonly name: string;
  readonly port: number;
  /** Reached from the internet through the load balancer (cluster) or the host's web port (compose). */
  readonly public: boolean;
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
  /** A fixed number of pods, no autoscaler. */
  | { readonly rule: 'fixed'; readonly replicas: number };

/** One service container, as `services/<name>.yaml` defines it. */
export interface ServiceDefinition {
  /** DNS-label name; also the Deployment, Service, ServiceAccount and compose service name. */
  readonly name: string;
  readonly description: string;
  /** Image pinned by tag or digest, never `latest`. */
  readonly image: string;
  readonly ports: readonly ServicePort[];
  readonly health: ServiceHealth;
  readonly resources: { readonly requests: ResourceAmounts; readonly limits: ResourceAmounts };
  /** Plain settings. Secrets are never here: see `dataStores` (their credentials are referenced, not copied). */
  readonly env: Readonly<Record<string, string>>;
  /** Data stores it talks to; network policies allow exactly these. */
  readonly dataStores: readonly DataStoreKind[];
  /** Queue topics it reads (as the consumer group named after it) and writes; its Kafka credential covers exactly these. */
  readonly topics: { readonly consumes: readonly string[]; readonly produces: readonly string[] };
  /** Other services it calls; they must run in the same stage. */
  readonly calls: readonly string[];
  /** Stages that run it. */
  readonly stages: readonly Stage[];
  readonly scaling: ScalingRule;
  /** The file it was read from, for messages. */
  readonly sourceFile: string;
}

/** Public ports are served on this container port (the ALB target group and the host's reverse proxy). */
export const PUBLIC_CONTAINER_PORT = 8080;

/**
 * The schema of `services/<name>.yaml`: one service container each (`config/service-definition.ts`).
 * Shape and ranges here; rules that compare fields (limit ≥ request, ports, calls, stages)
 * are in `config/services.ts`, so every problem of every file is reported at once.
 */
import { z } from 'zod';
import { shownValue } from './errors';
import { DATA_STORE_KINDS, NODE_PORT_RANGE, PUBLIC_HOSTS } from './service-definition';
import { STAGES } from './stages';

const show = shownValue;

/** A DNS label (RFC 1123), as Kubernetes names and compose service names need. */
export const SERVICE_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;
/** `registry/path/name:tag` or `…@sha256:<64 hex>`; the tag part is checked separately for `latest`. */
const IMAGE_PATTERN = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;
const PATH_PATTERN = /^\/[\w./-]*$/;
/** A route's path prefix: `/`, or segments of letters, digits, `.`, `_` and `-` without a trailing slash. */
const ROUTE_PATH_PATTERN = /^\/([\w.-]+(\/[\w.-]+)*)?$/;
const ENV_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
/** Kafka's legal topic names, short enough that `<topic>.dlq` is one too. */
const TOPIC_PATTERN = /^[a-zA-Z0-9._-]{1,240}$/;
const topic = z.string().regex(TOPIC_PATTERN, {
  error: (issue) => `${show(issue.input)} is not a topic name (1–240 letters, digits, dots, dashes and underscores, e.g. product-events)`,
});

const name = (what: string) =>
  z
    .string()
    .regex(SERVICE_NAME_PATTERN, { error: (issue) => `${show(issue.input)} is not ${what} (a DNS label: lowercase letters, digits and dashes, e.g. api)` });

/** An image pinned by tag or digest; `latest` and untagged images move under you, so they are refused. */
export const imageReference = z.string().check(
  z.refine((image: string) => IMAGE_PATTERN.test(image) && !/:latest$/.test(image), {
    error: (issue) =>
      /:latest$/.test(String(issue.input))
        ? `${show(issue.input)} uses the moving tag "latest"; pin a version tag or a digest (e.g. ghcr.io/acme/api:1.14.2)`
        : `${show(issue.input)} is not an image pinned by tag or digest (e.g. ghcr.io/acme/api:1.14.2 or ghcr.io/acme/api@sha256:<64 hex>)`,
  }),
);

const count = (min: number, max: number) => z.number().int().min(min).max(max);

const amounts = z.strictObject({
  cpuMillis: count(10, 64_000).describe('CPU in millicores (1000 = one vCPU).'),
  memoryMiB: count(16, 262_144).describe('Memory in MiB.'),
});

const scaling = z
  .discriminatedUnion(
    'rule',
    [
      z.strictObject({ rule: z.literal('websocket-gateway') }),
      z.strictObject({ rule: z.literal('api') }),
      z.strictObject({
        rule: z.literal('cpu'),
        cpuTargetPercent: count(10, 95).describe('CPU utilisation the autoscaler keeps, percent of the request.'),
        min: count(1, 1000).describe('Fewest pods, when `demand` is fixed; a demand-driven range is derived by the sizing.'),
        max: count(1, 1000).describe('Most pods, when `demand` is fixed; a demand-driven range is derived by the sizing.'),
      }),
      z.strictObject({ rule: z.literal('fixed'), replicas: count(1, 1000).describe('Number of pods; no autoscaler.') }),
    ],
    { error: (issue) => `${show((issue.input as { rule?: unknown } | undefined)?.rule)} is not a scaling rule; allowed: websocket-gateway, api, cpu, fixed` },
  )
  .describe(
    'How the pod count is decided: `websocket-gateway` (connections and CPU, seed 002 §10, range from the sizing and `autoscaling.websocket`), `api` (CPU, range from the sizing and `autoscaling.api`), `cpu` (a CPU target with its own range, for workers) or `fixed` (a set number of pods).',
  );

const positive = (max: number) => z.number().positive().max(max);

const demand = z
  .discriminatedUnion(
    'driver',
    [
      z.strictObject({
        driver: z.literal('requests'),
        requestsPerDailyUser: positive(1_000_000)
          .optional()
          .describe("HTTP requests each daily active user sends this service a day. @default the workload's `requestsPerDauPerDay`"),
        cpuMillisPerRequest: positive(60_000).describe('CPU milliseconds one request costs (1000 / requests per second one vCPU serves).'),
      }),
      z.strictObject({
        driver: z.literal('connections'),
        connectionsPerDailyUser: positive(100)
          .optional()
          .describe("Connections held at the daily peak per daily active user. @default the workload's `concurrentRatio`"),
        connectionsPerPod: count(1, 10_000_000).describe('Connections one pod holds at most; `max` pods are sized at this.'),
        scaleAtConnectionsPerPod: count(1, 10_000_000)
          .optional()
          .describe('Connections per pod at which pods are added; `min` pods are sized at this. @default 90% of `connectionsPerPod`'),
      }),
      z.strictObject({
        driver: z.literal('queue'),
        messagesPerDailyUser: positive(1_000_000)
          .optional()
          .describe("Messages each daily active user puts on this service's queue a day. @default the workload's `messagesPerDauPerDay`"),
        messagesPerSecondPerPod: positive(10_000_000).describe('Messages one pod processes a second at full CPU.'),
      }),
      z.strictObject({ driver: z.literal('fixed') }),
    ],
    {
      error: (issue) =>
        `${show((issue.input as { driver?: unknown } | undefined)?.driver)} is not a demand driver; allowed: requests, connections, queue, fixed`,
    },
  )
  .describe(
    "What drives the service's load, from which the sizing derives its pods per region: `requests` (requests per daily user × CPU per request ÷ the pod's CPU request), `connections` (connections per daily user ÷ connections per pod), `queue` (messages per daily user ÷ messages per pod per second) or `fixed` (the scaling rule's own pods). @default { driver: fixed }",
  );

export const serviceSchema = z.strictObject({
  name: name('a service name').describe('Must equal the file name without `.yaml`.'),
  description: z.string().min(1).max(200).describe('One line: what the service does.'),
  image: imageReference.describe('Image pinned by tag or digest.'),
  ports: z
    .array(
      z.strictObject({
        name: name('a port name').describe('Port name, unique in the service; `health.port` refers to it.'),
        port: count(1024, 65535).describe('Container port (unprivileged, so the container runs as a non-root user).'),
        public: z.boolean().optional().describe("Reached through the load balancer or the host's web port. @default false"),
        route: z
          .strictObject({
            hosts: z
              .array(z.enum(PUBLIC_HOSTS, { error: (issue) => `${show(issue.input)} is not a product host; allowed: ${PUBLIC_HOSTS.join(', ')}` }))
              .min(1, { error: `needs at least one host; allowed: ${PUBLIC_HOSTS.join(', ')}` })
              .optional()
              .describe(`Product hosts it answers on: apex (<domain>), www (www.<domain>), api (api.<domain>). @default all three`),
            path: z
              .string()
              .regex(ROUTE_PATH_PATTERN, { error: (issue) => `${show(issue.input)} is not a path prefix (e.g. / or /ws, no trailing slash)` })
              .optional()
              .describe('Path prefix it serves: the path itself and everything below it; the longest prefix wins. @default "/"'),
            websocket: z.boolean().optional().describe('Pass WebSocket upgrades through (Upgrade and Connection headers, long reads). @default false'),
          })
          .optional()
          .describe('Where a public port is reached: host and path prefix (public ports only). @default every product host, path "/"'),
        nodePort: count(NODE_PORT_RANGE.min, NODE_PORT_RANGE.max)
          .optional()
          .describe(
            'Public ports on clusters: the fixed node port of its NodePort Service, unique per cluster. @default a hash of the service and port names into 30000–32767',
          ),
      }),
    )
    .min(1, { error: 'needs at least one port (the health endpoints listen on one)' })
    .describe('Container ports.'),
  health: z
    .strictObject({
      port: z.string().describe('Name of the port they listen on.'),
      livenessPath: z
        .string()
        .regex(PATH_PATTERN, { error: (issue) => `${show(issue.input)} is not an HTTP path (e.g. /healthz)` })
        .describe('Path that answers 200 while the process is alive; failing it restarts the container.'),
      readinessPath: z
        .string()
        .regex(PATH_PATTERN, { error: (issue) => `${show(issue.input)} is not an HTTP path (e.g. /readyz)` })
        .describe('Path that answers 200 when the service can take traffic; failing it takes the pod out of the load balancer.'),
    })
    .describe('HTTP health endpoints.'),
  resources: z
    .strictObject({
      requests: amounts.describe('What the scheduler reserves for one container.'),
      limits: amounts.describe('The most one container may use; at least the requests.'),
    })
    .describe('Requests (what the scheduler reserves) and limits (the most it may use).'),
  env: z
    .record(z.string().regex(ENV_NAME_PATTERN, { error: (issue) => `${show(issue.input)} is not an environment variable name (e.g. LOG_LEVEL)` }), z.string())
    .optional()
    .describe('Plain settings; secrets never go here. @default {}'),
  dataStores: z
    .array(z.enum(DATA_STORE_KINDS, { error: (issue) => `${show(issue.input)} is not a data store; allowed: ${DATA_STORE_KINDS.join(', ')}` }))
    .optional()
    .describe('Data stores it needs. @default []'),
  topics: z
    .strictObject({
      consumes: z.array(topic).optional().describe('Topics it reads, in the consumer group named after the service. @default []'),
      produces: z.array(topic).optional().describe('Topics it writes. @default []'),
    })
    .optional()
    .describe(
      'The queue topics it uses; with any, it is a queue client on every stage that runs a queue (growth and up), whether or not `dataStores` lists `queue`. The queue topology is created from them: Kafka topics (and `<topic>.dlq` of those read), RabbitMQ exchanges and per-consumer queues. On Kafka (MSK, IAM authentication) its role may read, write and join a group on exactly these (and write `<topic>.dlq` of those it reads); on RabbitMQ its own broker user may publish and consume exactly these. @default none',
    ),
  calls: z.array(z.string()).optional().describe('Services it calls. @default []'),
  stages: z
    .array(z.enum(STAGES, { error: (issue) => `${show(issue.input)} is not a stage; allowed: ${STAGES.join(', ')}` }))
    .min(1, { error: 'needs at least one stage' })
    .describe('Stages that run it.'),
  scaling,
  demand: demand.optional(),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;

/** Per-environment overrides of one service (`services.<name>` in an environment file). */
export const serviceOverrideSchema = z.strictObject({
  enabled: z.boolean().optional().describe("Run the service in this environment. @default true where its `stages` include the environment's stage"),
  image: imageReference.optional().describe("Another pinned image, e.g. a release being rolled out. @default the catalog's image"),
  replicas: count(1, 1000).optional().describe("Pods of a `fixed` service. @default the catalog's replicas"),
  min: count(1, 1000).optional().describe("Fewest pods of a `cpu` service. @default the catalog's min"),
  max: count(1, 1000).optional().describe("Most pods of a `cpu` service. @default the catalog's max"),
});
export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;

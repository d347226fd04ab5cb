/**
 * The schema of `services/<name>.yaml`: one service container each (`config/service-definition.ts`).
 * Shape and ranges here; rules that compare fields (limit ≥ request, ports, calls, stages)
 * are in `config/services.ts`, so every problem of every file is reported at once.
 */
import { z } from 'zod';
import { shownValue } from './errors';
import { CONCURRENCY_POLICIES, DATA_STORE_KINDS, NODE_PORT_RANGE, PUBLIC_HOSTS, SERVICE_KINDS } from './service-definition';
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
/** A secret's name: an environment variable name, short enough for `<env>/<service>/<NAME>` in Secrets Manager. */
export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,99}$/;
/** Kafka's legal topic names, short enough that `<topic>.dlq` is one too. */
const TOPIC_PATTERN = /^[a-zA-Z0-9._-]{1,240}$/;
const topic = z.string().regex(TOPIC_PATTERN, {
  error: (issue) => `${show(issue.input)} is not a topic name (1–240 letters, digits, dots, dashes and underscores, e.g. product-events)`,
});

/** The topics a service uses on one named broker (`topics.kafka`, `topics.rabbitmq`). */
const brokerTopics = (broker: string) =>
  z
    .strictObject({
      consumes: z.array(topic).optional().describe(`Topics it reads on ${broker}, in the consumer group named after the service. @default []`),
      produces: z.array(topic).optional().describe(`Topics it writes on ${broker}. @default []`),
    })
    .describe(`Its topics on ${broker}.`);

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
      z.strictObject({
        rule: z.literal('queue'),
        min: count(1, 1000).describe(
          'Fewest pods, when `demand` is fixed; a demand-driven range is derived by the sizing. Never fewer, even with an empty queue.',
        ),
        max: count(1, 1000).describe('Most pods, when `demand` is fixed; a demand-driven range is derived by the sizing.'),
        targetBacklogPerPod: count(1, 1_000_000_000)
          .optional()
          .describe(
            'Messages waiting per pod that the queue-scaler keeps: RabbitMQ queue depth or Kafka consumer lag of the topics it consumes, summed, ÷ this = pods. @default demand.messagesPerSecondPerPod × 60 (a minute of draining); required without a queue demand',
          ),
      }),
      z.strictObject({ rule: z.literal('fixed'), replicas: count(1, 1000).describe('Number of pods; no autoscaler.') }),
    ],
    {
      error: (issue) =>
        `${show((issue.input as { rule?: unknown } | undefined)?.rule)} is not a scaling rule; allowed: websocket-gateway, api, cpu, queue, fixed`,
    },
  )
  .describe(
    'How the pod count is decided: `websocket-gateway` (connections and CPU, seed 002 §10, range from the sizing and `autoscaling.websocket`), `api` (CPU, range from the sizing and `autoscaling.api`), `cpu` (a CPU target with its own range, for workers), `queue` (the backlog of the topics it consumes, per pod, with its own range: the queue-scaler of each region reads RabbitMQ queue depth or Kafka consumer lag from CloudWatch; docs/autoscaling.md) or `fixed` (a set number of pods). Required except for a job, which runs one pod per run.',
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
          .describe(
            "Connections held at the daily peak per daily active user; the product's connections are the sum of these. @default the workload's `concurrentRatio`",
          ),
        connectionsPerPod: count(1, 10_000_000).describe('Connections one pod holds at most; `max` pods are sized at this.'),
        scaleAtConnectionsPerPod: count(1, 10_000_000)
          .optional()
          .describe('Connections per pod at which pods are added; `min` pods are sized at this. @default 90% of `connectionsPerPod`'),
      }),
      z.strictObject({
        driver: z.literal('queue'),
        messagesPerDailyUser: positive(1_000_000)
          .optional()
          .describe(
            "Messages each daily active user puts on this service's queue a day; the product's messages are the sum of these (sizing/demand.ts). @default the workload's `messagesPerDauPerDay`; required when the environment states none",
          ),
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

/** A Worker module beside the service file: a relative `.js` or `.mjs` path without `..`. */
const WORKER_MODULE_PATTERN = /^(?!.*\.\.)[\w][\w./-]*\.m?js$/;
/** A Durable Object class or KV binding name, as the module exports or reads it. */
const BINDING_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const bindingName = (what: string) =>
  z.string().regex(BINDING_NAME_PATTERN, { error: (issue) => `${show(issue.input)} is not ${what} (letters, digits and _, e.g. KeyManager)` });

/**
 * Edge-first: the service runs as a Cloudflare Worker at the edge, not as containers in a region
 * (docs/edge-services.md). Its public routes are answered by the edge Worker through a service
 * binding; no Deployment, target group or autoscaler is built for it and the sizing sizes no pods.
 */
const edgeRuntime = z
  .strictObject({
    module: z
      .string()
      .regex(WORKER_MODULE_PATTERN, {
        error: (issue) => `${show(issue.input)} is not a Worker module beside this file (a relative .js or .mjs path without .., e.g. identity-edge.worker.js)`,
      })
      .describe('The bundled Worker (an ES module with a default `fetch` export), relative to this file.'),
    durableObjects: z
      .array(bindingName('a Durable Object class name'))
      .optional()
      .describe('Durable Object classes the module exports; each is bound under its own name. @default []'),
    kvNamespaces: z
      .array(bindingName('a KV binding name'))
      .optional()
      .describe('KV namespaces the module reads, by binding name; one namespace each. @default []'),
    durableObjectRequestsPerRequest: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('Durable Object requests one request makes, for the cost estimate. @default 0'),
    kvReadsPerRequest: z.number().min(0).max(100).optional().describe('KV reads one request makes, for the cost estimate. @default 0'),
  })
  .describe('Run the service on Cloudflare Workers at the edge instead of in the regions. @default none: containers in every region');

export const serviceSchema = z.strictObject({
  name: name('a service name').describe('Must equal the file name without `.yaml`.'),
  description: z.string().min(1).max(200).describe('One line: what the service does.'),
  kind: z
    .enum(SERVICE_KINDS, { error: (issue) => `${show(issue.input)} is not a service kind; allowed: ${SERVICE_KINDS.join(', ')}` })
    .optional()
    .describe(
      'What the service is: `web` (HTTP, public or internal), `worker` (consumes a queue, no public port), `job` (runs to completion on a `schedule`: a CronJob on clusters, a systemd timer on hosts) or `gateway` (long-lived connections: WebSocket routes, long draining). @default job with a `schedule`, gateway with a public WebSocket route, web with a public port, else worker',
    ),
  image: imageReference.describe('Image pinned by tag or digest.'),
  schedule: z
    .string()
    .describe(
      'Jobs: when it runs, a five-field cron expression (minute hour day-of-month month day-of-week; numbers, `*`, lists, ranges and steps), in `timeZone`. Required for a job; refused on other kinds.',
    )
    .optional(),
  timeZone: z.string().describe('Jobs: the IANA time zone of `schedule` (e.g. Europe/Berlin). @default UTC').optional(),
  concurrencyPolicy: z
    .enum(CONCURRENCY_POLICIES, { error: (issue) => `${show(issue.input)} is not a concurrency policy; allowed: ${CONCURRENCY_POLICIES.join(', ')}` })
    .optional()
    .describe(
      "Jobs: what happens when a run is due while the previous one still runs: `Forbid` skips it, `Replace` stops the old run, `Allow` runs both (clusters only: a host's timer never starts a second run). @default Forbid",
    ),
  deadlineSeconds: count(60, 7 * 24 * 3600)
    .optional()
    .describe('Jobs: a run still going after this long is stopped and counts as failed. @default 3600'),
  retries: count(0, 10).optional().describe('Jobs on clusters: failed runs retried before the run counts as failed (backoffLimit). @default 2'),
  drainSeconds: count(0, 3600)
    .optional()
    .describe(
      "Seconds a stopping container keeps serving its open requests and connections: the pod's termination grace, the load balancer's deregistration delay and compose's stop grace period. @default 300 for a gateway, 30 otherwise",
    ),
  secrets: z
    .array(
      z
        .string()
        .regex(SECRET_NAME_PATTERN, { error: (issue) => `${show(issue.input)} is not a secret name (an environment variable name, e.g. STRIPE_SECRET_KEY)` }),
    )
    .optional()
    .describe(
      'Application secrets, by name. Each is a Secrets Manager secret `<env>/<service>/<NAME>` the operator fills (`stagecraft readiness` lists them); the service may read exactly these, and receives each at run time as the file `/run/secrets/<NAME>`, named by `<NAME>_FILE`. Values never go in `env`. @default []',
    ),
  archive: z
    .boolean()
    .optional()
    .describe(
      'Writes the message archive: from hyperscale on, the R2 bucket `<env>-archive`, named by `ARCHIVE_R2_BUCKET`, with the R2 writer credential as the secret `R2_WRITER` (docs/edge.md). @default false',
    ),
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
    .optional()
    .describe('Container ports. Required except for a job, which may have none. @default []'),
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
    .optional()
    .describe('HTTP health endpoints. Required except for a job, which has none (it runs to completion).'),
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
      consumes: z.array(topic).optional().describe('Topics it reads, in the consumer group named after the service, on its one broker. @default []'),
      produces: z.array(topic).optional().describe('Topics it writes, on its one broker. @default []'),
      kafka: brokerTopics('Kafka (MSK)')
        .optional()
        .describe('Its topics on Kafka, where it uses both brokers (or names the broker of each topic): the service is then a Kafka client. @default none'),
      rabbitmq: brokerTopics('RabbitMQ (Amazon MQ)')
        .optional()
        .describe(
          'Its topics on RabbitMQ, where it uses both brokers (or names the broker of each topic): the service is then a RabbitMQ client. @default none',
        ),
    })
    .optional()
    .describe(
      "The queue topics it uses. `consumes`/`produces` live on its one broker (the one `dataStores` names, or the environment's only one): with any, it is a queue client on every stage that runs a queue (growth and up), whether or not `dataStores` lists `queue`. `kafka:`/`rabbitmq:` name the broker of each topic instead, for a service of both (`components.queue: [rabbitmq, kafka]`); a service names the broker of every topic or of none. The queue topology is created from them: Kafka topics (and `<topic>.dlq` of those read), RabbitMQ exchanges and per-consumer queues. On Kafka (MSK, IAM authentication) its role may read, write and join a group on exactly these (and write `<topic>.dlq` of those it reads); on RabbitMQ its own broker user may publish and consume exactly these. @default none",
    ),
  calls: z.array(z.string()).optional().describe('Services it calls. @default []'),
  stages: z
    .array(z.enum(STAGES, { error: (issue) => `${show(issue.input)} is not a stage; allowed: ${STAGES.join(', ')}` }))
    .min(1, { error: 'needs at least one stage' })
    .describe('Stages that run it.'),
  scaling: scaling.optional(),
  demand: demand.optional(),
  edge: edgeRuntime.optional(),
});

export type ServiceConfig = z.infer<typeof serviceSchema>;

/** Per-environment overrides of one service (`services.<name>` in an environment file). */
export const serviceOverrideSchema = z.strictObject({
  enabled: z.boolean().optional().describe("Run the service in this environment. @default true where its `stages` include the environment's stage"),
  image: imageReference.optional().describe("Another pinned image, e.g. a release being rolled out. @default the catalog's image"),
  replicas: count(1, 1000).optional().describe("Pods of a `fixed` service. @default the catalog's replicas"),
  min: count(1, 1000).optional().describe("Fewest pods of a `cpu` or `queue` service. @default the catalog's min"),
  max: count(1, 1000).optional().describe("Most pods of a `cpu` or `queue` service. @default the catalog's max"),
});
export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;

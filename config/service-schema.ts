/**
 * The schema of `services/<name>.yaml`: one service container each (`config/service-definition.ts`).
 * Shape and ranges here; rules that compare fields (limit ≥ request, ports, calls, stages)
 * are in `config/services.ts`, so every problem of every file is reported at once.
 */
import { z } from 'zod';
import { DATA_STORE_KINDS } from './service-definition';
import { STAGES } from './stages';

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** A DNS label (RFC 1123), as Kubernetes names and compose service names need. */
export const SERVICE_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;
/** `registry/path/name:tag` or `…@sha256:<64 hex>`; the tag part is checked separately for `latest`. */
const IMAGE_PATTERN = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;
const PATH_PATTERN = /^\/[\w./-]*$/;
const ENV_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

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
  /** CPU in millicores (1000 = one vCPU). */
  cpuMillis: count(10, 64_000),
  /** Memory in MiB. */
  memoryMiB: count(16, 262_144),
});

const scaling = z.discriminatedUnion(
  'rule',
  [
    z.strictObject({ rule: z.literal('websocket-gateway') }),
    z.strictObject({ rule: z.literal('api') }),
    z.strictObject({
      rule: z.literal('cpu'),
      /** CPU utilisation the autoscaler keeps, percent of the request. */
      cpuTargetPercent: count(10, 95),
      min: count(1, 1000),
      max: count(1, 1000),
    }),
    z.strictObject({ rule: z.literal('fixed'), replicas: count(1, 1000) }),
  ],
  { error: (issue) => `${show((issue.input as { rule?: unknown } | undefined)?.rule)} is not a scaling rule; allowed: websocket-gateway, api, cpu, fixed` },
);

export const serviceSchema = z.strictObject({
  /** Must equal the file name without `.yaml`. */
  name: name('a service name'),
  /** One line: what the service does. */
  description: z.string().min(1).max(200),
  /** Image pinned by tag or digest. */
  image: imageReference,
  /** Container ports. */
  ports: z
    .array(
      z.strictObject({
        name: name('a port name'),
        port: count(1024, 65535),
        /** Reached through the load balancer or the host's web port. @default false */
        public: z.boolean().optional(),
      }),
    )
    .min(1, { error: 'needs at least one port (the health endpoints listen on one)' }),
  /** HTTP health endpoints. */
  health: z.strictObject({
    /** Name of the port they listen on. */
    port: z.string(),
    livenessPath: z.string().regex(PATH_PATTERN, { error: (issue) => `${show(issue.input)} is not an HTTP path (e.g. /healthz)` }),
    readinessPath: z.string().regex(PATH_PATTERN, { error: (issue) => `${show(issue.input)} is not an HTTP path (e.g. /readyz)` }),
  }),
  /** Requests (what the scheduler reserves) and limits (the most it may use). */
  resources: z.strictObject({ requests: amounts, limits: amounts }),
  /** Plain settings; secrets never go here. @default {} */
  env: z
    .record(z.string().regex(ENV_NAME_PATTERN, { error: (issue) => `${show(issue.input)} is not an environment variable name (e.g. LOG_LEVEL)` }), z.string())
    .optional(),
  /** Data stores it needs. @default [] */
  dataStores: z
    .array(z.enum(DATA_STORE_KINDS, { error: (issue) => `${show(issue.input)} is not a data store; allowed: ${DATA_STORE_KINDS.join(', ')}` }))
    .optional(),
  /** Services it calls. @default [] */
  calls: z.array(z.string()).optional(),
  /** Stages that run it. */
  stages: z
    .array(z.enum(STAGES, { error: (issue) => `${show(issue.input)} is not a stage; allowed: ${STAGES.join(', ')}` }))
    .min(1, { error: 'needs at least one stage' }),
  scaling,
});

export type ServiceConfig = z.infer<typeof serviceSchema>;

/** Per-environment overrides of one service (`services.<name>` in an environment file). */
export const serviceOverrideSchema = z.strictObject({
  /** Run the service in this environment. @default true where its `stages` include the environment's stage */
  enabled: z.boolean().optional(),
  /** Another pinned image, e.g. a release being rolled out. @default the catalog's image */
  image: imageReference.optional(),
  /** Pods of a `fixed` service. @default the catalog's replicas */
  replicas: count(1, 1000).optional(),
  /** Fewest pods of a `cpu` service. @default the catalog's min */
  min: count(1, 1000).optional(),
  /** Most pods of a `cpu` service. @default the catalog's max */
  max: count(1, 1000).optional(),
});
export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;

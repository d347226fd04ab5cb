/**
 * The one schema for `environments/*.yaml`. Only this layer reads configuration;
 * everything downstream takes the typed `EnvironmentConfig` or the resolved `Environment`.
 *
 * Every optional field documents its default here; stage-dependent size defaults live in
 * `sizing/stage-profiles.ts` and are applied by `sizing/blueprint.ts`. The workload defaults and
 * the capacity assumptions are tables in `sizing/` (pure data, no logic), read here so their
 * ranges are checked with the same numbers the sizing uses.
 */
import { z } from 'zod';
import { shownValue } from './errors';
import { redactedValue } from './redacted';
import { AWS_REGIONS, REGION_CODE_PATTERN, unpricedRegionMessage } from './regions';
import { STEERING_TARGET_PATTERN } from './edge-regions';
import { CLOUDFLARE_ADDONS, CLOUDFLARE_PLANS, DEFAULT_CLOUDFLARE_PLAN } from './cloudflare-plans';
import { parseCidr } from './cidr';
import { describeStageRange, STAGES } from './stages';
import { ASSUMPTION_NAMES, ASSUMPTIONS, AssumptionName } from './assumptions';
import { describeRange, describeSpecDefault, inRange, NumericSpec } from './numeric-spec';
import { WORKLOAD_DEFAULTS, WORKLOAD_FIELDS, WorkloadDefaultName } from './workload-defaults';
import { SERVICE_NAME_PATTERN, serviceOverrideSchema } from './service-schema';
import { componentsSchema } from './components';

const NAME_PATTERN = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
const HOSTNAME_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const TAG_KEY_PATTERN = /^[\w.:/=+@ -]{1,128}$/;
const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const DB_INSTANCE_CLASS_PATTERN = /^db\.[a-z0-9-]+\.[a-z0-9]+$/;
const CACHE_NODE_TYPE_PATTERN = /^cache\.[a-z0-9-]+\.[a-z0-9]+$/;
const S3_BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const KUBERNETES_VERSION_PATTERN = /^1\.\d{2}$/;
const POSTGRES_VERSION_PATTERN = /^\d{2}(\.\d{1,2})?$/;
const CLOUDFLARE_ACCOUNT_ID_PATTERN = /^[0-9a-f]{32}$/;
const AWS_ACCOUNT_ID_PATTERN = /^\d{12}$/;

const show = shownValue;

const regionCode = z.string().refine((code) => AWS_REGIONS.includes(code), {
  error: (issue) =>
    REGION_CODE_PATTERN.test(String(issue.input))
      ? `${show(issue.input)} is not a region Stagecraft knows; allowed: ${AWS_REGIONS.join(', ')}`
      : `${show(issue.input)} is not an AWS region code (e.g. us-east-1)`,
});

/** A region an environment runs in: one Stagecraft knows and prices (every estimate prices all it builds). */
const environmentRegion = z.string().superRefine((code, ctx) => {
  if (!AWS_REGIONS.includes(code)) {
    ctx.addIssue({
      code: 'custom',
      input: code,
      message: REGION_CODE_PATTERN.test(code)
        ? `${show(code)} is not a region Stagecraft knows; allowed: ${AWS_REGIONS.join(', ')}`
        : `${show(code)} is not an AWS region code (e.g. us-east-1)`,
    });
    return;
  }
  const unpriced = unpricedRegionMessage(code);
  if (unpriced) ctx.addIssue({ code: 'custom', input: code, message: unpriced });
});

const cidrBlock = z.string().refine((cidr) => parseCidr(cidr) !== undefined, {
  error: (issue) => `${show(issue.input)} is not an IPv4 CIDR block with clear host bits and no leading zeros (e.g. 10.20.0.0/16)`,
});

const pattern = (regex: RegExp, what: string, example: string) =>
  z.string().regex(regex, { error: (issue) => `${show(issue.input)} is not ${what} (e.g. ${example})` });

/** AWS tag values: letters, digits, spaces and `_ . : / = + - @` (no control characters, emoji or `!#;$()`). */
const TAG_VALUE_PATTERN = /^[\p{L}\p{N} _.:/=+\-@]*$/u;
/** AWS allows 50 tags on a resource; Stagecraft adds up to 6 (environment, stage, managed-by, region, Name, backup). */
export const MAX_USER_TAGS = 44;

const tagsSchema = z
  .record(
    pattern(TAG_KEY_PATTERN, 'a tag key', 'team').refine((key) => !key.toLowerCase().startsWith('aws:'), {
      error: (issue) => `${show(issue.input)} starts with "aws:", which AWS reserves for its own tags`,
    }),
    z
      .string()
      .max(256)
      .regex(TAG_VALUE_PATTERN, {
        error: (issue) => `${show(issue.input)} is not an AWS tag value; allowed: letters, digits, spaces and _ . : / = + - @ (at most 256)`,
      }),
  )
  .refine((tags) => Object.keys(tags).length <= MAX_USER_TAGS, {
    error: (issue) =>
      `has ${Object.keys(issue.input as object).length} tags; allowed: at most ${MAX_USER_TAGS} (AWS allows 50 per resource and Stagecraft adds up to 6)`,
  });

const count = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * A pager's HTTPS endpoint. Credentials in the URL's user part or query string would land in the
 * YAML, the synthesized JSON and the state: refused, so only a routing URL is accepted.
 */
const pagerUrl = z.string().superRefine((value, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // The URL may carry a routing key, a password or an API key: the message shows only its scheme and host.
  const fail = (why: string) => ctx.addIssue({ code: 'custom', message: `${why}; received ${redactedValue(value)}` });
  if (!url || url.protocol !== 'https:') fail('is not an https URL (e.g. https://events.pagerduty.com/integration/<routing key>/enqueue)');
  else if (url.username !== '' || url.password !== '') fail('carries credentials in the URL; give an integration URL without user or password');
  else if (url.search !== '') fail('has a query string, where services put API keys; give an integration URL without one');
  else if (/[${}`]/.test(value)) fail('contains $, {, } or `, which are not allowed in a pager URL');
});

/** Min/max/desired node counts of a scaling group. */
const scalingRange = z.strictObject({
  min: count(0, 1000).optional().describe('Fewest nodes. @default from the stage profile'),
  max: count(1, 1000).optional().describe('Most nodes. @default from the stage profile'),
  desired: count(0, 1000).optional().describe('Nodes at creation; the autoscaler moves it afterwards. @default min'),
});

/** A whole number in `min`–`max`, whose message says why the bounds are what they are. */
const bounded = (min: number, max: number, why: string) =>
  z
    .number()
    .int()
    .refine((value) => value >= min && value <= max, {
      error: (issue) => `must be ${min}–${max}${why}; received ${describeInput(issue.input)}`,
    });

const cooldownSeconds = () => bounded(0, 3600, ' seconds');

/** Requests per minute for one rate limit: at least 1, since 0 would refuse every request. */
const perMinute = (what: string) =>
  z
    .number()
    .int()
    .min(1, { error: (issue) => `${show(issue.input)} would refuse every request; allowed: 1 to 1000000 ${what} per minute` })
    .max(1_000_000, { error: (issue) => `${show(issue.input)} is more than allowed; allowed: 1 to 1000000 ${what} per minute` });

/** The Cloudflare side: account, hosts, rate limits, geo steering and the edge Worker. */
export const edgeSchema = z.strictObject({
  cloudflareAccountId: pattern(CLOUDFLARE_ACCOUNT_ID_PATTERN, 'a Cloudflare account ID (32 lowercase hex characters)', '023e105f4ecef8ad9ca31a8372d0c353')
    .optional()
    .describe('Cloudflare account that owns the zone (not a secret). @default the account of the zone, read when the stack is planned'),
  cloudflarePlan: z
    .enum(CLOUDFLARE_PLANS, { error: (issue) => `${show(issue.input)} is not a Cloudflare plan; allowed: ${CLOUDFLARE_PLANS.join(', ')}` })
    .optional()
    .describe(
      `The zone's Cloudflare plan; the edge stack is synthesized to fit it (monitor intervals, rate-limit rules), and what it cannot fit is refused (docs/preflight.md). @default "${DEFAULT_CLOUDFLARE_PLAN}" (promises nothing; state yours)`,
    ),
  addons: z
    .array(
      z.enum(CLOUDFLARE_ADDONS, {
        error: (issue) => `${show(issue.input)} is not a Cloudflare add-on Stagecraft knows; allowed: ${CLOUDFLARE_ADDONS.join(', ')}`,
      }),
    )
    .optional()
    .describe(
      'Paid add-ons of the account and zone: loadBalancing (required with several regions), trafficSteering (geo steering; required with edge.steering), advancedRateLimiting (Enterprise only: counting by user and by response), workersPaid (Durable Objects; required where the edge Worker runs). @default [] (none)',
    ),
  assetsHost: pattern(HOSTNAME_PATTERN, 'a lowercase DNS name', 'assets.example.com')
    .optional()
    .describe('Host serving static assets and avatars from R2 through the CDN; in the zone of `domain`. @default "assets.<domain>"'),
  rateLimits: z
    .strictObject({
      messagesPerMinute: perMinute('messages').optional().describe('Message sends per user. @default 100'),
      apiRequestsPerMinute: perMinute('API requests').optional().describe('API requests per user (per IP for anonymous requests). @default 1000'),
      websocketConnectsPerMinute: perMinute('WebSocket connections').optional().describe('WebSocket connections opened per client IP. @default 5'),
      failedLoginsPerMinute: perMinute('failed logins').optional().describe('Failed logins per client IP. @default 5'),
    })
    .optional()
    .describe("Rate limits (seed 002, section 6), from growth on. @default each field defaults to the seed's figure"),
  steering: z
    .record(
      regionCode,
      z
        .array(
          pattern(
            STEERING_TARGET_PATTERN,
            'a Cloudflare geo region (WNAM, ENAM, NSAM, SSAM, WEU, EEU, ME, NAF, SAF, SAS, SEAS, NEAS, OC) or an ISO country code',
            'WEU',
          ),
        )
        .min(1, { error: 'needs at least one geo region or country' }),
    )
    .optional()
    .describe(
      'Region → Cloudflare geo regions (WNAM, ENAM, NSAM, SSAM, WEU, EEU, ME, NAF, SAF, SAS, SEAS, NEAS, OC) or ISO country codes it serves first. Multi-region stages only. @default every geo region goes to the nearest region (`config/edge-regions.ts`)',
    ),
  originPullCa: z
    .string()
    .max(8192, { error: (issue) => `is longer than a CA certificate (8192 characters at most); received ${redactedValue(String(issue.input))}` })
    .optional()
    .describe(
      "PEM of the CA that signed the zone's authenticated-origin-pull client certificate (public; two while rotating; docs/origin-trust.md). The origins then accept only this zone's Cloudflare connections. @default none: `stagecraft check` fails SC-PUB-11 and SC-PUB-12 until it is set",
    ),
  // Not echoed: a private key or an API key pasted into the wrong field would land in the logs.
  originPullCertificateId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
      error: (issue) =>
        `is not a Cloudflare certificate id (e.g. 2458ce5a-0c35-4c7f-82c7-8e9487d3ff60, the id Cloudflare returned for the uploaded certificate); received ${redactedValue(String(issue.input))}`,
    })
    .optional()
    .describe(
      "Id Cloudflare returned for the zone's uploaded authenticated-origin-pull client certificate (docs/origin-trust.md step 1). The edge stack looks it up at plan time, so a deploy fails before enabling authenticated origin pulls when the certificate is missing or not active. @default none: `stagecraft check` fails SC-PUB-12 and `stagecraft readiness` reports RDY-17 missing while originPullCa is set",
    ),
  worker: z
    .strictObject({
      enabled: z.boolean().optional().describe('Run the Worker in front of the origins. Growth on. @default true on massive, false before'),
      sessionCacheTtlSeconds: count(60, 3600).optional().describe('Seconds a validated session stays in the KV cache. @default 300 (seed 000: 5 minutes)'),
      maxRequestBodyKiB: count(1, 102400)
        .optional()
        .describe('Largest request body the Worker accepts, KiB; larger uploads go to storage directly. @default 1024'),
      originTimeoutMs: count(100, 60000).optional().describe('Time one origin gets before the next region is tried, ms. @default 10000'),
    })
    .optional()
    .describe("The edge Worker (workers/edge). @default each field's own default"),
});

const percent = () => count(1, 100);

/**
 * Autoscaling rules (`sizing/autoscaling/`), overridable per environment: each key overrides
 * one rule's seed defaults. `websocket` and `api` render to HPAs in the apps stack; `nodes`,
 * `auroraReplicas` and `redis` to the cluster autoscaler and Application Auto Scaling.
 */
export const autoscalingSchema = z.strictObject({
  nodes: z
    .strictObject({
      scaleDownUtilizationThreshold: z
        .number()
        .min(0.1)
        .max(0.9)
        .optional()
        .describe('A node whose pods request less than this share of it may be removed. @default 0.4 (seed 002 §10: scale down under 40% CPU)'),
      scaleDownUnneededMinutes: bounded(1, 120, ' minutes').optional().describe('Minutes a node stays under the threshold before removal. @default 10'),
      expander: z.enum(['least-waste', 'most-pods', 'random']).optional().describe('Which node group grows first. @default least-waste'),
    })
    .optional()
    .describe('How the cluster autoscaler moves the general node group within `compute.nodes`. Growth on.'),
  auroraReplicas: z
    .strictObject({
      enabled: z.boolean().optional().describe('Run the rule. @default true'),
      min: bounded(1, 15, ' (Aurora allows at most 15 readers per cluster)')
        .optional()
        .describe('Readers Terraform builds, the floor. @default database.readReplicas if set, else the larger of 2 (seed 002 §10) and the sized readers'),
      max: bounded(1, 15, ' (Aurora allows at most 15 readers per cluster)')
        .optional()
        .describe('Most readers. @default 10 (seed 002 §10), or min when that is higher'),
      targetCpuPercent: bounded(10, 90, ' percent').optional().describe('Average reader CPU the autoscaler keeps, percent. @default 70 (seed 002 §10)'),
      scaleOutCooldownSeconds: cooldownSeconds().optional().describe('Seconds after adding a reader before the policy may add another. @default 300'),
      scaleInCooldownSeconds: cooldownSeconds().optional().describe('Seconds after removing a reader before the policy may remove another. @default 900'),
    })
    .optional()
    .describe('Readers per Aurora cluster (per shard), by reader CPU. Scale and hyperscale with postgres.'),
  redis: z
    .strictObject({
      enabled: z.boolean().optional().describe('Run the rule. @default true'),
      minShards: bounded(1, 500, ' (ElastiCache allows at most 500 shards per replication group)')
        .optional()
        .describe('Fewest shards, and the count Terraform creates. @default the sized shards (cache.shards, the workload or the profile)'),
      maxShards: bounded(1, 500, ' (ElastiCache allows at most 500 shards per replication group)')
        .optional()
        .describe('Most shards. @default 30 nodes (seed 002 §10) ÷ nodes per shard, at least minShards'),
      targetMemoryPercent: bounded(10, 90, ' percent')
        .optional()
        .describe('Memory use counted for eviction the autoscaler keeps, percent. @default 80 (seed 002 §10)'),
      scaleOutCooldownSeconds: cooldownSeconds().optional().describe('Seconds after adding a shard before the policy may add another. @default 600'),
      scaleInCooldownSeconds: cooldownSeconds().optional().describe('Seconds after removing a shard before the policy may remove another. @default 1800'),
    })
    .optional()
    .describe('Shards of the Redis Cluster, by memory. Scale on (cluster mode).'),
  websocket: z
    .strictObject({
      min: count(1, 5000).optional().describe("Fewest pods per region. @default the sizing's websocket min (or the stage's pod floor)"),
      max: count(1, 5000).optional().describe("Most pods per region. @default the sizing's websocket max"),
      scaleUpCpuPercent: percent().optional().describe('Scale up above this CPU utilisation. @default 70'),
      scaleUpConnectionsPerPod: count(1, 1_000_000).optional().describe('Scale up above this many connections per pod. @default 45000'),
      scaleDownCpuPercent: percent().optional().describe('Scale down only below this CPU utilisation… @default 40'),
      scaleDownConnectionsPerPod: count(1, 1_000_000).optional().describe('…and below this many connections per pod. @default 30000'),
    })
    .optional()
    .describe("The websocket gateway (seed 002 §10). @default each field's seed default"),
  api: z
    .strictObject({
      min: count(1, 5000).optional().describe("Fewest pods per region. @default the sizing's api min (or the stage's pod floor)"),
      max: count(1, 5000).optional().describe("Most pods per region. @default the sizing's api max"),
      cpuTargetPercent: percent().optional().describe('CPU utilisation the autoscaler keeps. @default 70'),
    })
    .optional()
    .describe("API pods. @default each field's seed default"),
});

/**
 * A number whose range violations say what is allowed: `must be greater than 0 and at most 1;
 * received number 1.5`. The range comes from the spec table the default comes from.
 */
function documentedNumber(spec: NumericSpec) {
  return z
    .number()
    .refine((value) => inRange(spec, value), {
      error: (issue) => `must be ${describeRange(spec)}; received ${describeInput(issue.input)}`,
    })
    .describe(`${spec.description} Unit: ${spec.unit}. @default ${describeSpecDefault(spec)}`);
}

const describeInput = (value: unknown): string => (typeof value === 'number' ? `number ${String(value)}` : show(value));

/** Rules of `workload.mau`, shared with `stagecraft size --workload`. */
export const MAU_SPEC = { min: 1, integer: true } as const;

/**
 * A workload profile. The field names mau, dauRatio, concurrentRatio, requestsPerDauPerDay,
 * messagesPerDauPerDay and peakFactor are fixed, because users and tools rely on them. Every
 * field but `mau` defaults to the seed-sourced value in `config/workload-defaults.ts`.
 */
export const workloadShape = {
  /** Monthly active users. Required. */
  mau: z
    .number({
      error: (issue) => (issue.input === undefined ? `is required: monthly active users, ${describeRange(MAU_SPEC)}` : undefined),
    })
    .refine((value) => inRange(MAU_SPEC, value), {
      error: (issue) => `must be ${describeRange(MAU_SPEC)} (monthly active users); received ${describeInput(issue.input)}`,
    })
    .describe('Monthly active users: picks the stage when `stage` is not given, and sizes every component. Required in a workload.'),
  ...(Object.fromEntries(WORKLOAD_FIELDS.map((field) => [field, documentedNumber(WORKLOAD_DEFAULTS[field]).optional()])) as {
    [K in WorkloadDefaultName]: z.ZodOptional<ReturnType<typeof documentedNumber>>;
  }),
};
export const workloadSchema = z.strictObject(workloadShape);

/** Overrides of the per-unit capacity assumptions of `config/assumptions.ts`. Each defaults to its table value. */
export const assumptionsSchema = z.strictObject(
  Object.fromEntries(ASSUMPTION_NAMES.map((name) => [name, documentedNumber(ASSUMPTIONS[name]).optional()])) as {
    [K in AssumptionName]: z.ZodOptional<ReturnType<typeof documentedNumber>>;
  },
);

const stageEnum = z.enum(STAGES, {
  error: (issue) => `${show(issue.input)} is not a stage; allowed: ${STAGES.join(', ')}`,
});

/** The message when neither `stage` nor `workload.mau` is given. */
export const STAGE_REQUIRED_MESSAGE = `is required unless workload.mau is set, from which it is chosen (${STAGES.map(
  (stage) => `${stage} ${describeStageRange(stage)}`,
).join(', ')}); allowed: ${STAGES.join(', ')}`;

export const environmentSchema = z
  .strictObject({
    name: pattern(NAME_PATTERN, 'an environment name (3–24 lowercase letters, digits and dashes)', 'acme-prod').describe(
      'Environment name; prefixes every stack (`<name>-<region>`).',
    ),
    stage: stageEnum
      .optional()
      .describe('Growth stage whose topology this environment runs. @default chosen from workload.mau (seed 004 ranges); required without a workload'),
    regions: z.array(environmentRegion).min(1, { error: 'at least one region is required' }).describe('AWS regions; the first is primary.'),
    domain: pattern(HOSTNAME_PATTERN, 'a lowercase DNS name', 'example.com').describe('Apex domain the product is served under.'),
    tags: tagsSchema.optional().describe('Tags put on every AWS resource, beside the environment/stage tags. @default {}'),
    network: z
      .strictObject({
        cidrs: z.record(regionCode, cidrBlock).optional().describe('VPC CIDR per region. @default 10.(16 + region index × 4).0.0/16'),
        availabilityZoneIds: z
          .record(regionCode, z.array(z.string().min(1)).min(2))
          .optional()
          .describe('Availability zone IDs per region. @default the first zone IDs of `config/regions.ts`'),
        natGateways: z
          .enum(['none', 'single', 'per-az'])
          .optional()
          .describe('NAT gateways: none, one per region, or one per AZ. @default none up to traction, single on growth, per-az after'),
      })
      .optional()
      .describe('VPC addressing, availability zones and NAT of every region.'),
    backend: z
      .strictObject({
        s3: z
          .strictObject({
            bucket: pattern(S3_BUCKET_PATTERN, 'an S3 bucket name', 'acme-terraform-state').describe(
              'Existing S3 bucket that holds the state; Stagecraft does not create it.',
            ),
            region: regionCode.optional().describe('Region of the state bucket. @default the primary region'),
            keyPrefix: z
              .string()
              .regex(/^[\w./-]+$/)
              .optional()
              .describe('Key prefix; each stack writes `<prefix>/<stack>.tfstate`. @default "stagecraft"'),
            kmsKeyArn: z.string().startsWith('arn:').optional().describe("KMS key for state encryption. @default the bucket's default encryption"),
          })
          .describe('Remote state in S3 with native lock files. @default local state files beside each stack'),
      })
      .optional()
      .describe("Where Terraform keeps each stack's state. @default local state files beside each stack"),
    compute: z
      .strictObject({
        instanceType: pattern(INSTANCE_TYPE_PATTERN, 'an EC2 instance type', 't3.medium')
          .optional()
          .describe('EC2 type of hosts (launch, traction) or cluster nodes (growth on). @default from the stage profile'),
        hosts: count(1, 2).optional().describe('Number of application hosts on single-host stages. @default from the stage profile'),
        volumeGiB: count(20, 16384).optional().describe('Root volume of hosts and nodes, GiB. @default from the stage profile'),
        nodes: scalingRange.optional().describe('Cluster node counts (growth on). @default from the stage profile'),
        kubernetesVersion: pattern(KUBERNETES_VERSION_PATTERN, 'a Kubernetes minor version', '1.33')
          .optional()
          .describe('EKS Kubernetes version. @default "1.33"'),
        publicApiCidrs: z.array(cidrBlock).optional().describe('CIDRs allowed to reach the public EKS API endpoint. @default [] (private endpoint only)'),
        privateApiDeployer: pattern(
          /^[A-Za-z0-9 _.:/=+@-]{1,200}$/,
          'an AWS tag value of at most 200 letters, digits, spaces and _.:/=+@-',
          'CodeBuild project acme-deploy',
        )
          .optional()
          .describe(
            'Where the apps stacks are deployed from when publicApiCidrs is empty: a deployer inside a VPC of the environment (e.g. "CodeBuild project acme-deploy in us-east-1"), recorded on each cluster as tag stagecraft:api-deployer. @default none: set publicApiCidrs, or guardrail SC-PUB-14 fails (docs/cluster-access.md)',
          ),
      })
      .optional()
      .describe('Hosts (launch, traction) or EKS cluster nodes (growth on). @default from the stage profile'),
    database: z
      .strictObject({
        engine: z
          .enum(['postgres', 'cockroachdb'])
          .optional()
          .describe('postgres (host, RDS or Aurora by stage) or cockroachdb (hyperscale, massive). @default postgres; cockroachdb on massive'),
        engineVersion: pattern(POSTGRES_VERSION_PATTERN, 'a PostgreSQL version', '16.6').optional().describe('PostgreSQL major.minor version. @default "16.6"'),
        instanceClass: pattern(DB_INSTANCE_CLASS_PATTERN, 'an RDS instance class', 'db.r6g.large')
          .optional()
          .describe('RDS/Aurora instance class. @default from the stage profile'),
        readReplicas: count(0, 15).optional().describe('Read replicas per database (or per shard). @default from the stage profile'),
        shards: count(1, 256)
          .optional()
          .describe(
            'Independent Aurora clusters the data is sharded over (hyperscale and massive on postgres; or components.postgres.shards.count). @default from the stage profile, or the workload',
          ),
        storageGiB: count(20, 65536).optional().describe('Allocated storage for RDS instances or database volumes, GiB. @default from the stage profile'),
        backupRetentionDays: count(1, 35).optional().describe('Days automated backups are kept. @default 7 on launch, 14 after'),
        nodesPerRegion: count(3, 100).optional().describe('CockroachDB nodes per region. @default from the stage profile (≥3)'),
      })
      .optional()
      .describe('The primary database: engine, version, size, replicas, shards and backups. @default from the stage profile'),
    cache: z
      .strictObject({
        nodeType: pattern(CACHE_NODE_TYPE_PATTERN, 'an ElastiCache node type', 'cache.r7g.large')
          .optional()
          .describe('ElastiCache node type. @default from the stage profile'),
        shards: count(1, 500).optional().describe('Shards (node groups) in cluster mode. @default from the stage profile'),
        replicasPerShard: count(0, 5).optional().describe('Replicas per shard. @default from the stage profile'),
      })
      .optional()
      .describe('Redis (ElastiCache) sizes, from traction on. @default from the stage profile'),
    queue: z
      .strictObject({
        instanceType: pattern(/^mq\.[a-z0-9]+\.[a-z0-9]+$/, 'an Amazon MQ instance type', 'mq.m5.large')
          .optional()
          .describe('Amazon MQ broker instance type for RabbitMQ. @default from the stage profile'),
      })
      .optional()
      .describe('RabbitMQ (Amazon MQ) size, wherever it runs (traction on, components.queue). @default from the stage profile; mq.t3.micro on traction'),
    search: z
      .strictObject({
        instanceType: pattern(/^[a-z0-9]+\.[a-z0-9]+\.search$/, 'an OpenSearch instance type', 'r6g.large.search')
          .optional()
          .describe('OpenSearch data node type. @default from the stage profile'),
        dataNodes: count(1, 80).optional().describe('Data nodes. @default from the stage profile'),
        volumeGiB: count(10, 16384).optional().describe('EBS volume per data node, GiB. @default from the stage profile'),
      })
      .optional()
      .describe('OpenSearch sizes, from growth on. @default from the stage profile'),
    streaming: z
      .strictObject({
        instanceType: pattern(/^kafka\.[a-z0-9]+\.[a-z0-9]+$/, 'an MSK broker type', 'kafka.m7g.large')
          .optional()
          .describe('MSK broker type. @default from the stage profile'),
        brokers: count(2, 90).optional().describe('Brokers; a multiple of the zone count. @default from the stage profile'),
        volumeGiB: count(1, 16384).optional().describe('EBS volume per broker, GiB. @default from the stage profile'),
      })
      .optional()
      .describe('Kafka (MSK) sizes, from hyperscale on. @default from the stage profile'),
    alerts: z
      .strictObject({
        emails: z
          .array(pattern(EMAIL_PATTERN, 'an email address', 'oncall@example.com'))
          .optional()
          .describe('Addresses subscribed to the alarm topic. @default [] (subscribe later, e.g. a pager endpoint)'),
        pagerEndpoint: pagerUrl
          .optional()
          .describe(
            "HTTPS endpoint of the paging service (its CloudWatch/SNS integration URL) subscribed to every region's alarm topic; no credentials or query string in it. @default none (alarms reach only the emails)",
          ),
      })
      .optional()
      .describe('Who is told when an alarm fires. @default no subscriptions'),
    slo: z
      .strictObject({
        availabilityPercent: z
          .number()
          .refine((value) => value >= 90 && value < 100, {
            error: (issue) => `must be at least 90 and below 100 (e.g. 99.95); received ${describeInput(issue.input)}`,
          })
          .describe('Share of requests that must succeed (not a 5xx), percent. Required with `slo`.'),
        windowDays: bounded(7, 90, ' days').optional().describe('Rolling window the target holds over, days. @default 30'),
      })
      .optional()
      .describe('Availability objective of the public API; the regions get multi-window burn-rate alarms on the load balancer. Growth on. @default none'),
    workload: workloadSchema.optional().describe("Expected workload, for sizing. @default none: the stage profile's sizes are used"),
    edge: edgeSchema.optional().describe("The Cloudflare edge. @default every field's own default"),
    aws: z
      .strictObject({
        accountId: pattern(AWS_ACCOUNT_ID_PATTERN, 'a 12-digit AWS account ID', '123456789012')
          .optional()
          .describe(
            'The AWS account the regional stacks deploy to (not a secret). Makes every IAM policy, key policy and bucket name known at plan time, for the reviewer of the first plan; the examples state it. @default read from the KMS key ARN at apply (the first plan shows those as known after apply)',
          ),
      })
      .optional()
      .describe("The AWS account. @default each field's own default"),
    assumptions: assumptionsSchema.optional().describe('Overrides of the per-unit capacity assumptions. @default the values of `config/assumptions.ts`'),
    services: z
      .record(
        z.string().regex(SERVICE_NAME_PATTERN, { error: (issue) => `${show(issue.input)} is not a service name (a DNS label, e.g. api)` }),
        serviceOverrideSchema,
      )
      .optional()
      .describe('Per-service overrides of the catalog in `services/` (image, enabled, replicas). @default the catalog as it is'),
    autoscaling: autoscalingSchema.optional().describe('Autoscaling rules. @default the seed defaults of `sizing/autoscaling/`'),
    components: componentsSchema.optional(),
  })
  .check(
    // Runs even when other fields have problems, so a file learns about every problem at once.
    z.refine((config: { stage?: unknown; workload?: unknown }) => config.stage !== undefined || hasMau(config.workload), {
      path: ['stage'],
      error: STAGE_REQUIRED_MESSAGE,
      when: () => true,
    }),
  );

function hasMau(workload: unknown): boolean {
  return typeof workload === 'object' && workload !== null && (workload as { mau?: unknown }).mau !== undefined;
}

/** A validated environment file, before defaults. */
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type WorkloadConfig = z.infer<typeof workloadSchema>;
export type EdgeConfig = z.infer<typeof edgeSchema>;
export type AssumptionsConfig = z.infer<typeof assumptionsSchema>;
export type AutoscalingConfig = z.infer<typeof autoscalingSchema>;

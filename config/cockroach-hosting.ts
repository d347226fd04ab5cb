/**
 * Where an environment's CockroachDB runs: on its own EKS clusters (a StatefulSet per region,
 * services/platform/cockroachdb) or on CockroachDB Cloud, managed by Cockroach Labs.
 *
 * A managed cluster is an external input, not a resource Stagecraft creates: CockroachDB Cloud's
 * Terraform provider (cockroachdb/cockroach) is not in this machine's provider mirror and its API
 * cannot be reached from here, no cdktf binding of it is installed (so the edge/apps stand-in of
 * terraform/standin/ has no schema to serve for it), and a `cockroach_cluster` resource would put
 * the SQL user's password in the Terraform state. Instead each region gets an empty Secrets
 * Manager secret that the operator fills with the cluster's connection string; the services
 * that declare `database` may read it, and nothing of CockroachDB runs on the clusters
 * (docs/cockroachdb.md, "Managed").
 *
 * This file holds the component's schema (`components.cockroachdb`), its rules and its resolved
 * shape; the environment schema places it.
 */
import { z } from 'zod';
import { Problem, shownValue } from './errors';

export const COCKROACH_HOSTINGS = ['eks', 'managed'] as const;
export type CockroachHosting = (typeof COCKROACH_HOSTINGS)[number];

/** CockroachDB Cloud plans: serverless (Basic: request units and storage) or dedicated (Advanced: provisioned nodes). */
export const COCKROACH_CLOUD_PLANS = ['serverless', 'dedicated'] as const;
export type CockroachCloudPlan = (typeof COCKROACH_CLOUD_PLANS)[number];

/**
 * AWS regions CockroachDB Cloud offers clusters in, by plan (https://www.cockroachlabs.com/docs/cockroachcloud/regions:
 * "CockroachDB Standard and Basic" for serverless, "CockroachDB Advanced" for dedicated). A managed
 * cluster is refused where its plan is not offered, since that region's services would reach the
 * database in another part of the world.
 */
export const COCKROACH_CLOUD_AWS_REGIONS: Readonly<Record<CockroachCloudPlan, readonly string[]>> = {
  serverless: ['ap-south-1', 'ap-southeast-1', 'us-east-1', 'us-east-2', 'us-west-2', 'eu-central-1', 'eu-west-1', 'eu-west-2'],
  dedicated: [
    'ap-east-1',
    'ap-southeast-3',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-southeast-1',
    'ap-southeast-2',
    'me-south-1',
    'il-central-1',
    'me-central-1',
    'ca-west-1',
    'ca-central-1',
    'us-east-1',
    'us-east-2',
    'us-west-2',
    'sa-east-1',
    'eu-central-1',
    'eu-west-1',
    'eu-west-2',
    'eu-south-1',
    'eu-north-1',
    'eu-west-3',
  ],
};

/**
 * Request units one database query costs on the serverless plan, by default. Stagecraft's
 * figure: CockroachDB Cloud says simple queries consume few RUs and bills 1M RUs at $0.20
 * (docs/cockroachdb.md); an indexed point read or a single-row write of the identity and chat
 * products is a few RUs. Measure yours with EXPLAIN ANALYZE and set `requestUnitsPerQuery`.
 */
export const DEFAULT_REQUEST_UNITS_PER_QUERY = 4;

const show = shownValue;

/** `components.cockroachdb` of an environment file. */
export const cockroachComponentSchema = z
  .strictObject({
    hosting: z
      .enum(COCKROACH_HOSTINGS, { error: (issue) => `${show(issue.input)} is not a CockroachDB hosting; allowed: ${COCKROACH_HOSTINGS.join(', ')}` })
      .optional()
      .describe(
        'eks: a StatefulSet per region on the environment\'s EKS clusters (Stagecraft builds it); managed: a CockroachDB Cloud cluster the team creates, whose connection string each region reads from Secrets Manager. @default "eks"',
      ),
    plan: z
      .enum(COCKROACH_CLOUD_PLANS, { error: (issue) => `${show(issue.input)} is not a CockroachDB Cloud plan; allowed: ${COCKROACH_CLOUD_PLANS.join(', ')}` })
      .optional()
      .describe('CockroachDB Cloud plan (hosting: managed): serverless (request units and storage) or dedicated (nodes). @default "serverless"'),
    requestUnitsPerQuery: z
      .number()
      .positive()
      .max(100_000)
      .optional()
      .describe(`Request units one query costs on the serverless plan, for the cost estimate. @default ${DEFAULT_REQUEST_UNITS_PER_QUERY}`),
  })
  .describe(
    'CockroachDB, where the environment runs it (database.engine cockroachdb: hyperscale, massive): on EKS, or on CockroachDB Cloud (docs/cockroachdb.md, "Managed"). @default hosting eks',
  );
export type CockroachComponentConfig = z.infer<typeof cockroachComponentSchema>;

/** The resolved CockroachDB component. */
export type CockroachPlacement =
  { readonly hosting: 'eks' } | { readonly hosting: 'managed'; readonly plan: CockroachCloudPlan; readonly requestUnitsPerQuery: number };

export function resolveCockroachHosting(config: CockroachComponentConfig | undefined): CockroachPlacement {
  if ((config?.hosting ?? 'eks') === 'eks') return { hosting: 'eks' };
  return { hosting: 'managed', plan: config?.plan ?? 'serverless', requestUnitsPerQuery: config?.requestUnitsPerQuery ?? DEFAULT_REQUEST_UNITS_PER_QUERY };
}

/**
 * Combinations that cannot work: managed settings on EKS hosting, a managed cluster where the
 * environment runs no CockroachDB, or in a region CockroachDB Cloud does not offer.
 */
export function cockroachHostingProblems(
  file: string,
  config: CockroachComponentConfig | undefined,
  context: {
    readonly engine: 'postgres' | 'cockroachdb';
    readonly regions: readonly string[];
    /** Where the component sits in the file, e.g. `components.cockroachdb`. */
    readonly path: string;
    /** Whether the file sets `database.nodesPerRegion`. */
    readonly nodesPerRegionSet: boolean;
  },
): Problem[] {
  if (config === undefined) return [];
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ file, path: `${context.path}${path}`, message });
  const hosting = config.hosting ?? 'eks';
  if (hosting === 'eks') {
    if (config.plan !== undefined) add('.plan', 'applies to hosting: managed (CockroachDB Cloud); this environment runs CockroachDB on EKS');
    if (config.requestUnitsPerQuery !== undefined) add('.requestUnitsPerQuery', 'applies to hosting: managed with plan: serverless');
    return problems;
  }
  // components.cockroachdb on a Postgres environment is refused by componentProblems (config/components.ts).
  if (context.engine !== 'cockroachdb') return problems;
  if ((config.plan ?? 'serverless') === 'serverless' && context.nodesPerRegionSet) {
    problems.push({
      file,
      path: 'database.nodesPerRegion',
      message: 'applies to CockroachDB on EKS or on a dedicated CockroachDB Cloud cluster; a serverless cluster has no nodes to size',
    });
  }
  if (config.plan === 'dedicated' && config.requestUnitsPerQuery !== undefined) {
    add('.requestUnitsPerQuery', 'applies to plan: serverless; a dedicated cluster is billed by its nodes');
  }
  const plan = config.plan ?? 'serverless';
  const offered = COCKROACH_CLOUD_AWS_REGIONS[plan];
  const unoffered = context.regions.filter((region) => !offered.includes(region));
  if (unoffered.length > 0) {
    add(
      config.plan === undefined ? '.hosting' : '.plan',
      `CockroachDB Cloud offers no ${plan} cluster in ${unoffered.join(', ')}; ${plan} regions: ${offered.join(', ')} (or another plan, or hosting: eks)`,
    );
  }
  return problems;
}

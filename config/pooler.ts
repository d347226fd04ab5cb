/**
 * `components.postgres.pooler`: PgBouncer in front of Postgres on cluster stages (issue 18 item 4,
 * docs/components.md "Pooling"). Its schema, its defaults (one source: the `@default`s below are
 * what `DEFAULT_POOLER` holds) and the rules that refuse a combination that cannot work. Kept apart
 * from config/components.ts, which only wires it into `components:`.
 */
import { z } from 'zod';
import { Problem, shownValue } from './errors';
import type { ServiceDefinition } from './service-definition';

/** How PgBouncer hands out server connections: per transaction (the default) or per client session. */
export const POOL_MODES = ['transaction', 'session'] as const;
export type PoolMode = (typeof POOL_MODES)[number];

/** The name of the pooler's Deployment, Service and ServiceAccount in the product namespace: no service may take it. */
export const POOLER_NAME = 'pgbouncer';

/** The connection pooler in front of Postgres. */
export const poolerComponent = z.union(
  [
    z.boolean(),
    z.strictObject({
      poolMode: z
        .enum(POOL_MODES, { error: (issue) => `${shownValue(issue.input)} is not a pool mode; allowed: ${POOL_MODES.join(', ')}` })
        .optional()
        .describe(
          'transaction: a server connection per transaction, so a few hundred connections serve thousands of clients (session state such as SET, advisory locks or LISTEN does not survive a transaction); session: one per client, as without a pooler. @default transaction',
        ),
      maxConnectionsPercent: z
        .number()
        .int()
        .min(10)
        .max(100)
        .optional()
        .describe("Share of the database's max_connections the pooler may open, percent. @default 75 (the rest stays for the operations Jobs and people)"),
      idleClientTimeoutSeconds: z
        .number()
        .int()
        .min(60)
        .max(28800)
        .optional()
        .describe('Seconds an idle client connection is kept before the pooler closes it. @default 1800'),
      clientConnectionsPerPod: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .describe("Connections each service pod's database driver opens to the pooler (node-postgres and HikariCP default to 10). @default 10"),
      passwordVersion: z
        .number()
        .int()
        .min(1)
        .max(1_000_000)
        .optional()
        .describe(
          'Version of the services\' pooler passwords: raise it to rotate them all (a new value in each service\'s secret, the database-users Job run again, the pooler and the services restarted; docs/components.md "Rotation"). Never lower it. @default 1',
        ),
    }),
  ],
  {
    error: (issue) =>
      `${shownValue(issue.input)} is not a pooler setting; allowed: true, false or { poolMode, maxConnectionsPercent, idleClientTimeoutSeconds, clientConnectionsPerPod, passwordVersion }`,
  },
);
export type PoolerConfig = z.infer<typeof poolerComponent>;

/** The connection pooler, resolved. */
export interface PoolerSettings {
  readonly poolMode: PoolMode;
  readonly maxConnectionsPercent: number;
  readonly idleClientTimeoutSeconds: number;
  readonly clientConnectionsPerPod: number;
  readonly passwordVersion: number;
}

export const DEFAULT_POOLER: PoolerSettings = {
  poolMode: 'transaction',
  maxConnectionsPercent: 75,
  idleClientTimeoutSeconds: 1800,
  clientConnectionsPerPod: 10,
  passwordVersion: 1,
};

/** The settings of `components.postgres.pooler`; undefined for none. */
export function resolvePooler(pooler: PoolerConfig | undefined): PoolerSettings | undefined {
  return pooler === undefined || pooler === false ? undefined : { ...DEFAULT_POOLER, ...(pooler === true ? {} : pooler) };
}

/**
 * Services that cannot run beside the pooler: one named like it would share its Deployment,
 * Service and NetworkPolicy.
 */
export function poolerServiceProblems(file: string, pooler: PoolerSettings | undefined, services: readonly ServiceDefinition[]): Problem[] {
  if (!pooler) return [];
  return services
    .filter((s) => s.name === POOLER_NAME)
    .map((s) => ({
      file,
      path: 'components.postgres.pooler',
      message: `runs PgBouncer as ${POOLER_NAME} in the product namespace, which is also the name of the service of ${s.sourceFile}; allowed: rename that service, or disable it (services.${POOLER_NAME}.enabled: false)`,
    }));
}

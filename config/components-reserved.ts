/**
 * Keys of `components:` that other work fills in (docs/components.md, "Reserved keys"). Each
 * lives here, apart from the framework in `components.ts`, so that the branch that builds it
 * edits only its own shape. Until then each accepts only what Stagecraft builds today.
 *
 * - `cockroachdb` (crdb-edge-18): where CockroachDB runs. Today only `eks` (a StatefulSet on the
 *   regional clusters, hyperscale and massive); managed CockroachDB (serverless, dedicated) and
 *   an edge-first API on Workers add their values and fields here.
 * - `postgres.shards` (shards-18): Postgres shards homed in regions. Spread into the
 *   `components.postgres` object beside `pgbouncer`.
 */
import { z } from 'zod';
import { shownValue } from './errors';

/** Where CockroachDB runs. */
export const COCKROACH_HOSTINGS = ['eks'] as const;
export type CockroachHosting = (typeof COCKROACH_HOSTINGS)[number];

/** `components.cockroachdb`: owned by crdb-edge-18. */
export const cockroachComponentSchema = z
  .strictObject({
    hosting: z
      .enum(COCKROACH_HOSTINGS, {
        error: (issue) => `${shownValue(issue.input)} is not a CockroachDB hosting; allowed: ${COCKROACH_HOSTINGS.join(', ')}`,
      })
      .optional()
      .describe('Where CockroachDB runs: eks (a StatefulSet on each regional cluster). @default eks'),
  })
  .describe('CockroachDB, where the environment runs it (database.engine cockroachdb: hyperscale, massive). @default hosting eks');

/** Fields of `components.postgres` beside `pgbouncer`: owned by shards-18 (`shards`, the shards' home regions). */
export const POSTGRES_SHARD_FIELDS = {} as const;

/** Further top-level keys of `components:` (e.g. an edge-first API): owned by crdb-edge-18. */
export const EDGE_COMPONENT_FIELDS = {} as const;

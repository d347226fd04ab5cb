/**
 * Keys of `components:` that other work fills in (docs/components.md, "Reserved keys"). Each
 * lives here, apart from the framework in `components.ts`, so that the branch that builds it
 * edits only its own shape. Until then each accepts only what Stagecraft builds today.
 *
 * - `cockroachdb` (crdb-edge-18): where CockroachDB runs: `eks` (a StatefulSet on the regional
 *   clusters, hyperscale and massive) or `managed` (CockroachDB Cloud, serverless or dedicated),
 *   in `cockroach-hosting.ts`. An edge-first API is a service's own `edge:` field, not a component.
 * - `postgres.shards` (shards-18): Postgres shards homed in regions. Spread into the
 *   `components.postgres` object beside `pgbouncer`.
 */

/** `components.cockroachdb` (crdb-edge-18): eks or managed (CockroachDB Cloud), in config/cockroach-hosting.ts. */
export { COCKROACH_HOSTINGS, cockroachComponentSchema } from './cockroach-hosting';
export type { CockroachHosting } from './cockroach-hosting';

/** Fields of `components.postgres` beside `pgbouncer`: owned by shards-18 (`shards`, the shards' home regions). */
export const POSTGRES_SHARD_FIELDS = {} as const;

/** Further top-level keys of `components:` (e.g. an edge-first API): owned by crdb-edge-18. */
export const EDGE_COMPONENT_FIELDS = {} as const;

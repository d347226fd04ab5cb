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
import { z } from 'zod';
import { shownValue } from './errors';

/** `components.cockroachdb` (crdb-edge-18): eks or managed (CockroachDB Cloud), in config/cockroach-hosting.ts. */
export { COCKROACH_HOSTINGS, cockroachComponentSchema } from './cockroach-hosting';
export type { CockroachHosting } from './cockroach-hosting';

/** A home's shards: ranges and shards separated by commas (`"0-19"`, `"0-9, 40-49"`), or one shard number. */
const shardList = z.union([z.string().max(1000), z.number().int().min(0)], {
  error: (issue) => `${shownValue(issue.input)} is not a list of shard ranges; allowed: ranges and shards separated by commas (e.g. "0-19" or "0-9, 40-49")`,
});

/**
 * `components.postgres.shards` (shards-18, docs/shards.md): how many Aurora clusters the data is
 * split over, the readers of each, and which region homes which shards. Checked against the
 * environment's regions in `shard-homes.ts`.
 */
export const postgresShardsSchema = z
  .strictObject({
    count: z
      .number()
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe(
        'Shards: independent Aurora clusters, each a writer and its readers. Hyperscale and massive on Postgres. @default the workload or the stage profile',
      ),
    replicasPerShard: z
      .number()
      .int()
      .min(0)
      .max(15)
      .optional()
      .describe('Readers of every shard (Aurora allows 15). @default the workload or the stage profile'),
    homes: z
      .record(z.string(), shardList)
      .optional()
      .describe(
        "Region → the shards it homes (e.g. `us-east-1: 0-19`): a shard's writer and readers live in its home region only. Every shard has exactly one home; every region homes at least one. @default an even split in the order of `regions` (the count must then be a multiple of the region count)",
      ),
  })
  .describe('Postgres sharded over Aurora clusters, each homed in one region (seed 002 §1). @default the stage profile and workload');
export type PostgresShardsConfig = z.infer<typeof postgresShardsSchema>;

/** Fields of `components.postgres` beside `pooler`: owned by shards-18 (`shards`, the shards' home regions). */
export const POSTGRES_SHARD_FIELDS = { shards: postgresShardsSchema.optional() } as const;

/** Further top-level keys of `components:` (e.g. an edge-first API): owned by crdb-edge-18. */
export const EDGE_COMPONENT_FIELDS = {} as const;

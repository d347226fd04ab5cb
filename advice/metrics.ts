/**
 * Observed signals, the input of `stagecraft advise`: from a JSON file (`--metrics`) or read
 * from CloudWatch (`--from-cloudwatch`). Validated with zod; bad input names the field and the
 * allowed range.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { UserInputError } from '../config/errors';
import { readInputFile } from '../config/input-file';
import { STAGES } from '../config/stages';
import { zodProblems } from '../config/zod-issues';
import { describeRange, inRange, NumericSpec } from '../config/numeric-spec';

const show = (value: unknown): string => (typeof value === 'number' ? `number ${String(value)}` : (JSON.stringify(value) ?? String(value)));

function ranged(spec: Pick<NumericSpec, 'min' | 'max' | 'minExclusive' | 'integer'>, meaning: string) {
  return z
    .number()
    .refine((value) => inRange(spec, value), { error: (issue) => `must be ${describeRange(spec)} (${meaning}); received ${show(issue.input)}` })
    .optional();
}

const percent = (what: string) => ranged({ min: 0, max: 100 }, `${what}, in percent`);

export const QUEUE_TRENDS = ['growing', 'steady', 'shrinking'] as const;

export const metricsSchema = z.strictObject({
  /** The stage the signals come from; needed without --env. @default the environment's stage */
  stage: z.enum(STAGES, { error: (issue) => `${JSON.stringify(issue.input)} is not a stage; allowed: ${STAGES.join(', ')}` }).optional(),
  /** Monthly active users observed now. @default the environment's workload.mau */
  mau: ranged({ min: 1, integer: true }, 'monthly active users'),
  /** Peak CPU of the app servers or nodes (highest hourly average). */
  appCpuPercent: percent('app server CPU'),
  /** Database CPU, split by what drives it. */
  db: z
    .strictObject({
      /** Peak CPU of the read replicas, or of the primary when reads run there. */
      readCpuPercent: percent('database CPU spent on reads'),
      /** Peak CPU of the primary (writer). */
      writeCpuPercent: percent('database CPU spent on writes'),
    })
    .optional(),
  /** Share of cache lookups that hit, 0–1. */
  cacheHitRatio: ranged({ min: 0, max: 1 }, 'a share: 0.92 means 92% of lookups hit'),
  /** Direction of the queue depth (RabbitMQ messages or Kafka consumer lag) over the window. */
  queueDepthTrend: z.enum(QUEUE_TRENDS, { error: (issue) => `${JSON.stringify(issue.input)} is not a trend; allowed: ${QUEUE_TRENDS.join(', ')}` }).optional(),
  /** Rows in the largest table. */
  largestTableRows: ranged({ min: 0, integer: true }, 'rows'),
  /** 95th percentile response time at the load balancer, milliseconds. */
  p95LatencyMs: ranged({ min: 0 }, 'milliseconds'),
  /** Deploys that collided with another team's, per week. */
  deployConflictsPerWeek: ranged({ min: 0 }, 'conflicts per week'),
  /** 95th percentile latency of the slowest third-party API, milliseconds. */
  thirdPartyP95Ms: ranged({ min: 0 }, 'milliseconds'),
});

export type Metrics = z.infer<typeof metricsSchema>;

/** The signal fields (everything but stage and mau). */
export const SIGNAL_FIELDS = [
  'appCpuPercent',
  'db',
  'cacheHitRatio',
  'queueDepthTrend',
  'largestTableRows',
  'p95LatencyMs',
  'deployConflictsPerWeek',
  'thirdPartyP95Ms',
] as const;

export function hasSignals(metrics: Metrics): boolean {
  return SIGNAL_FIELDS.some((field) => metrics[field] !== undefined && !(field === 'db' && Object.keys(metrics.db ?? {}).length === 0));
}

/** Reads and validates a metrics JSON file; throws one UserInputError listing every problem. */
export function loadMetricsFile(file: string, cwd: string): Metrics {
  const text = readInputFile(resolve(cwd, file), { file, path: '(root)' }, 'a path to a JSON metrics file');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserInputError([{ file, path: '(root)', message: `is not valid JSON (${(error as Error).message})` }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserInputError([{ file, path: '(root)', message: `expected an object of signals (${SIGNAL_FIELDS.join(', ')})` }]);
  }
  const parsed = metricsSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new UserInputError(zodProblems(file, parsed.error, metricsSchema));
  return parsed.data;
}

/**
 * `stagecraft advise --from-cloudwatch`: reads the advice signals from CloudWatch with the
 * modular AWS SDK v3. Which metrics to read comes from the synthesized stacks: the alarms the
 * constructs define (app host and node group CPU, load balancer p95 latency, Redis nodes,
 * RabbitMQ brokers) and the databases and Kafka clusters by their literal names. Dimension
 * values known only after apply (instance IDs, Auto Scaling group names, load balancer ARNs) are
 * taken from the deployed alarms (DescribeAlarms); the series come from GetMetricData.
 *
 * `metricTargets` and `reduceSignals` are pure; `readSignals` does the I/O.
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { UserInputError } from '../config/errors';
import { StackJson } from '../synthesis/stack-views';
import { Metrics } from './metrics';

export type Signal = 'appCpu' | 'dbWriteCpu' | 'dbReadCpu' | 'cacheHit' | 'queueDepth' | 'p95Latency';

/** One series to read for one signal. */
export interface MetricTarget {
  readonly signal: Signal;
  readonly region: string;
  /** What the series is, for notes: `acme-growth-us-east-1-postgres CPU`. */
  readonly label: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Literal dimensions, or undefined when they come from the deployed alarm `alarmName`. */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly alarmName?: string;
  /** A metric math expression instead of a metric (Kafka consumer lag over all groups). */
  readonly expression?: string;
  readonly stat: string;
}

const isToken = (value: unknown) => typeof value === 'string' && value.includes('${');

type Resources = NonNullable<StackJson['resource']>;

function defaultRegion(json: StackJson): string | undefined {
  const block = (json.provider?.aws ?? []).find((p) => p.alias === undefined);
  return typeof block?.region === 'string' ? block.region : undefined;
}

/** The metric series behind each signal, read from one environment's synthesized stacks. */
export function metricTargets(stacks: ReadonlyArray<{ readonly name: string; readonly json: StackJson }>): MetricTarget[] {
  const targets: MetricTarget[] = [];
  for (const { json } of stacks) {
    const region = defaultRegion(json);
    const resources: Resources = json.resource ?? {};
    if (!region || !resources.aws_vpc) continue; // not a regional stack
    for (const alarm of Object.values(resources.aws_cloudwatch_metric_alarm ?? {})) {
      const alarmName = String(alarm.alarm_name);
      const dimensions = (alarm.dimensions ?? {}) as Record<string, string>;
      const literal = Object.values(dimensions).every((v) => !isToken(v));
      const from = literal ? { dimensions } : { alarmName };
      const namespace = String(alarm.namespace);
      const metric = String(alarm.metric_name);
      if (namespace === 'AWS/EC2' && metric === 'CPUUtilization') {
        targets.push({ signal: 'appCpu', region, label: `${alarmName} (CPU)`, namespace, metricName: metric, stat: 'Average', ...from });
      } else if (namespace === 'AWS/ApplicationELB' && metric === 'TargetResponseTime') {
        targets.push({ signal: 'p95Latency', region, label: `${alarmName} (TargetResponseTime p95)`, namespace, metricName: metric, stat: 'p95', ...from });
      } else if (namespace === 'AWS/ElastiCache' && metric === 'EngineCPUUtilization') {
        targets.push({
          signal: 'cacheHit',
          region,
          label: `${dimensions.CacheClusterId ?? alarmName} (CacheHitRate)`,
          namespace,
          metricName: 'CacheHitRate',
          stat: 'Average',
          ...from,
        });
      } else if (namespace === 'AWS/AmazonMQ' && metric === 'SystemCpuUtilization') {
        targets.push({
          signal: 'queueDepth',
          region,
          label: `${dimensions.Broker ?? alarmName} (MessageCount)`,
          namespace,
          metricName: 'MessageCount',
          stat: 'Maximum',
          ...from,
        });
      }
    }
    for (const db of Object.values(resources.aws_db_instance ?? {})) {
      const identifier = String(db.identifier);
      const signal: Signal = db.replicate_source_db === undefined ? 'dbWriteCpu' : 'dbReadCpu';
      targets.push({
        signal,
        region,
        label: `${identifier} (CPU)`,
        namespace: 'AWS/RDS',
        metricName: 'CPUUtilization',
        dimensions: { DBInstanceIdentifier: identifier },
        stat: 'Average',
      });
    }
    for (const [logical, cluster] of Object.entries(resources.aws_rds_cluster ?? {})) {
      const id = String(cluster.cluster_identifier);
      // Aurora publishes CPU per role, so a failover does not mix writer and reader load.
      targets.push({
        signal: 'dbWriteCpu',
        region,
        label: `${id} writer (CPU)`,
        namespace: 'AWS/RDS',
        metricName: 'CPUUtilization',
        dimensions: { DBClusterIdentifier: id, Role: 'WRITER' },
        stat: 'Average',
      });
      const instances = Object.values(resources.aws_rds_cluster_instance ?? {}).filter((i) =>
        String(i.cluster_identifier).includes(`aws_rds_cluster.${logical}.`),
      );
      if (instances.length > 1) {
        targets.push({
          signal: 'dbReadCpu',
          region,
          label: `${id} readers (CPU)`,
          namespace: 'AWS/RDS',
          metricName: 'CPUUtilization',
          dimensions: { DBClusterIdentifier: id, Role: 'READER' },
          stat: 'Average',
        });
      }
    }
    for (const cluster of Object.values(resources.aws_msk_cluster ?? {})) {
      const name = String(cluster.cluster_name);
      targets.push({
        signal: 'queueDepth',
        region,
        label: `${name} (consumer lag, all groups)`,
        namespace: 'AWS/Kafka',
        metricName: 'SumOffsetLag',
        expression: `SUM(SEARCH('{AWS/Kafka,"Cluster Name","Consumer Group",Topic} MetricName="SumOffsetLag" "${name}"', 'Maximum', 3600))`,
        stat: 'Maximum',
      });
    }
  }
  return targets;
}

/** A series read for a target: values in time order. */
export interface Series {
  readonly target: MetricTarget;
  readonly values: readonly number[];
}

/** Direction of a series: the mean of its last third against the mean of its first third (±20%). */
export function trendOf(values: readonly number[]): 'growing' | 'steady' | 'shrinking' {
  if (values.length < 3) return 'steady';
  const third = Math.max(1, Math.floor(values.length / 3));
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(values.slice(0, third));
  const last = mean(values.slice(-third));
  if (last > first * 1.2 && last - first >= 1) return 'growing';
  if (last < first * 0.8 && first - last >= 1) return 'shrinking';
  return 'steady';
}

/** Series → signals. CPU and latency: the highest hourly value; cache hits: the mean; queues: the summed series' trend. */
export function reduceSignals(series: readonly Series[]): { metrics: Metrics; observed: Partial<Record<Signal, string>> } {
  const of = (signal: Signal) => series.filter((s) => s.target.signal === signal && s.values.length > 0);
  const peak = (signal: Signal) => {
    const list = of(signal);
    return list.length === 0 ? undefined : Math.max(...list.flatMap((s) => s.values));
  };
  const round1 = (v: number) => Math.round(v * 10) / 10;
  const metrics: { -readonly [K in keyof Metrics]: Metrics[K] } = {};
  const observed: Partial<Record<Signal, string>> = {};
  const app = peak('appCpu');
  if (app !== undefined) metrics.appCpuPercent = round1(Math.min(100, app));
  const write = peak('dbWriteCpu');
  const read = peak('dbReadCpu');
  if (write !== undefined || read !== undefined) {
    // Without replicas the primary serves the reads too: its CPU is both.
    metrics.db = { writeCpuPercent: write === undefined ? undefined : round1(Math.min(100, write)), readCpuPercent: round1(Math.min(100, read ?? write!)) };
    if (read === undefined) observed.dbReadCpu = "no read replicas: the primary serves reads, so read CPU is the primary's CPU";
  }
  const hits = of('cacheHit');
  if (hits.length > 0) {
    const all = hits.flatMap((s) => s.values);
    metrics.cacheHitRatio = Math.round((all.reduce((a, b) => a + b, 0) / all.length / 100) * 1000) / 1000;
  }
  const queues = of('queueDepth');
  if (queues.length > 0) {
    const length = Math.max(...queues.map((s) => s.values.length));
    const summed = Array.from({ length }, (_, i) => queues.reduce((sum, s) => sum + (s.values[i - (length - s.values.length)] ?? 0), 0));
    metrics.queueDepthTrend = trendOf(summed);
  }
  const p95 = peak('p95Latency');
  if (p95 !== undefined) metrics.p95LatencyMs = Math.round(p95 * 1000);
  for (const signal of ['appCpu', 'dbWriteCpu', 'cacheHit', 'queueDepth', 'p95Latency'] as const) {
    const list = of(signal);
    if (list.length > 0 && observed[signal] === undefined) observed[signal] = list.map((s) => s.target.label).join(', ');
  }
  return { metrics, observed };
}

/** Options of `readSignals`. */
export interface ReadOptions {
  /** Hours of history to read. @default 24 */
  readonly windowHours?: number;
  /** The end of the window. @default now */
  readonly now?: Date;
  /** Makes the client of a region. @default `new CloudWatchClient({ region })` with two attempts and a 5 s connection timeout */
  readonly clientFor?: (region: string) => CloudWatchClient;
}

/** Where a CloudWatch failure is reported: the command and its flag. */
const WHERE = { file: 'stagecraft advise', path: '--from-cloudwatch' } as const;

/** What to set when no credentials were found. */
const CREDENTIALS_HELP =
  'set AWS_PROFILE to a profile in ~/.aws/config (after `aws sso login` for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)';

/** Network errors: the endpoint could not be reached (refused, unknown host, timed out). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** AWS's answers that mean the credentials are missing, wrong or expired. */
const AUTH_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
]);

/** One line of an error, cut short: SDK messages can be long. */
function brief(error: { name?: string; message?: string }): string {
  const text = `${error.name ?? 'Error'}: ${(error.message ?? '').split('\n')[0]}`;
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/**
 * An SDK failure as a problem the user fixes (no credentials, no network, access refused), or
 * the error itself when it is none of those (a bug is still a bug).
 */
export function cloudwatchFailure(error: unknown, region: string): Error {
  const e = error as { name?: string; code?: string; message?: string; $metadata?: unknown; cause?: { code?: string } } | undefined;
  if (e === undefined || e === null || typeof e !== 'object') return error as Error;
  // The SDK wraps network errors ("AWS SDK error wrapper for Error: connect ECONNREFUSED …") without their code.
  const message = (e.message ?? '').split('\n')[0].replace(/^AWS SDK error wrapper for \w*Error: /, '');
  const code = e.code ?? e.cause?.code ?? [...NETWORK_CODES].find((c) => new RegExp(`\\b${c}\\b`).test(message));
  const problem = (message: string) => new UserInputError([{ ...WHERE, message }]);
  if (e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return problem(`no AWS credentials found (${brief(e)}); ${CREDENTIALS_HELP}`);
  }
  if ((code !== undefined && NETWORK_CODES.has(code)) || e.name === 'TimeoutError' || e.name === 'RequestTimeout') {
    return problem(
      `cannot reach CloudWatch in ${region} (${code ?? e.name}: ${message}); check the network and proxy settings, and AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_CLOUDWATCH if one is set`,
    );
  }
  if (e.name !== undefined && AUTH_ERRORS.has(e.name)) {
    return problem(
      `AWS refused the credentials in ${region} (${brief(e)}); ${CREDENTIALS_HELP}, for an identity allowed cloudwatch:DescribeAlarms and cloudwatch:GetMetricData`,
    );
  }
  if (e.$metadata !== undefined) return problem(`CloudWatch in ${region} refused the request (${brief(e)})`);
  return error as Error;
}

/** `client.send`, with its failures turned into problems the user can fix. */
async function send<T>(region: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw cloudwatchFailure(error, region);
  }
}

/** The default client of a region: two attempts, and a connection that does not wait forever. */
function defaultClient(region: string): CloudWatchClient {
  return new CloudWatchClient({ region, maxAttempts: 2, requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 } });
}

/** Reads every target's series (one DescribeAlarms and GetMetricData round per region) and reduces them to signals. */
export async function readSignals(targets: readonly MetricTarget[], options: ReadOptions = {}) {
  const windowHours = options.windowHours ?? 24;
  const end = options.now ?? new Date();
  const start = new Date(end.getTime() - windowHours * 3_600_000);
  const clientFor = options.clientFor ?? defaultClient;
  const notes: string[] = [];
  const series: Series[] = [];

  const regions = [...new Set(targets.map((t) => t.region))];
  for (const region of regions) {
    const client = clientFor(region);
    const inRegion = targets.filter((t) => t.region === region);

    // Dimension values that exist only after apply come from the deployed alarms.
    const alarmNames = [...new Set(inRegion.flatMap((t) => (t.alarmName ? [t.alarmName] : [])))];
    const deployed = new Map<string, Record<string, string>>();
    for (let i = 0; i < alarmNames.length; i += 100) {
      let nextToken: string | undefined;
      do {
        const page = await send(region, () => client.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + 100), NextToken: nextToken })));
        for (const alarm of page.MetricAlarms ?? []) {
          if (alarm.AlarmName) deployed.set(alarm.AlarmName, Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])));
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }

    const queries: Array<{ query: MetricDataQuery; target: MetricTarget }> = [];
    for (const target of inRegion) {
      const id = `q${queries.length}`;
      if (target.expression) {
        queries.push({ target, query: { Id: id, Expression: target.expression, Period: 3600, ReturnData: true } });
        continue;
      }
      const dimensions = target.dimensions ?? (target.alarmName ? deployed.get(target.alarmName) : undefined);
      if (!dimensions) {
        notes.push(`${region}: alarm ${target.alarmName} is not deployed, so ${target.label} was not read`);
        continue;
      }
      queries.push({
        target,
        query: {
          Id: id,
          MetricStat: {
            Metric: {
              Namespace: target.namespace,
              MetricName: target.metricName,
              Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 3600,
            Stat: target.stat,
          },
          ReturnData: true,
        },
      });
    }

    const results = new Map<string, MetricDataResult & { points: Array<[number, number]> }>();
    for (let i = 0; i < queries.length; i += 500) {
      let nextToken: string | undefined;
      do {
        const page = await send(region, () =>
          client.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries.slice(i, i + 500).map((q) => q.query),
              StartTime: start,
              EndTime: end,
              NextToken: nextToken,
              ScanBy: 'TimestampAscending',
            }),
          ),
        );
        for (const result of page.MetricDataResults ?? []) {
          const entry = results.get(result.Id ?? '') ?? { ...result, points: [] };
          (result.Timestamps ?? []).forEach((t, k) => entry.points.push([new Date(t).getTime(), result.Values?.[k] ?? 0]));
          results.set(result.Id ?? '', entry);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    for (const { query, target } of queries) {
      const points = (results.get(query.Id ?? '')?.points ?? []).sort((a, b) => a[0] - b[0]);
      if (points.length === 0) notes.push(`${region}: no data for ${target.label} in the last ${windowHours} h`);
      series.push({ target, values: points.map(([, v]) => v) });
    }
  }
  const reduced = reduceSignals(series);
  return { ...reduced, notes, window: { start, end, hours: windowHours } };
}

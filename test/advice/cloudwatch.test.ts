/**
 * `advise --from-cloudwatch`: the CloudWatch client is mocked (aws-sdk-client-mock); which
 * metrics are read, how deployed alarms resolve apply-time dimensions, and how series become
 * signals is the real code.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { metricTargets, readSignals, trendOf } from '../../advice/cloudwatch';
import { runCli } from '../../cli/main';
import { Io } from '../../cli/command';
import { synthesizeInProcess } from '../../stacks/stack-source';
import { parseEnvironment } from '../../config/load';
import { copyExampleServices } from '../helpers/services';

const GROWTH = 'name: shop-growth\nstage: growth\nregions: [us-east-1]\ndomain: shop.example.com\nworkload:\n  mau: 4500000\n  hotRetentionDays: 2\n';
const STACK = 'shop-growth-us-east-1';

/** Series the fake CloudWatch returns, by what is asked. */
function seriesFor(query: MetricDataQuery): number[] {
  const stat = query.MetricStat;
  const dims = Object.fromEntries((stat?.Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  switch (stat?.Metric?.MetricName) {
    case 'CPUUtilization':
      if (dims.AutoScalingGroupName === 'eks-general-1a2b3c') return [52, 85.2, 61];
      if (dims.DBInstanceIdentifier === `${STACK}-postgres`) return [40, 72, 55];
      if (dims.DBInstanceIdentifier === `${STACK}-postgres-replica-0`) return [30, 35];
      return [];
    case 'CacheHitRate':
      return [90, 70];
    case 'MessageCount':
      return [10, 12, 40, 80, 160, 320];
    case 'TargetResponseTime':
      return dims.LoadBalancer === 'app/shop-growth-us-east-1/50dc6c495c0c9188' ? [0.21, 0.62, 0.4] : [];
    default:
      return [];
  }
}

/** Dimensions of the alarms "deployed" in the fake account: the apply-time values. */
const DEPLOYED: Record<string, Record<string, string>> = {
  [`${STACK}-general-cpu-high`]: { AutoScalingGroupName: 'eks-general-1a2b3c' },
  [`${STACK}-p95-latency`]: { LoadBalancer: 'app/shop-growth-us-east-1/50dc6c495c0c9188' },
};

const cloudwatch = mockClient(CloudWatchClient);

beforeEach(() => {
  cloudwatch.reset();
  cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => ({
    MetricAlarms: (input.AlarmNames ?? [])
      .filter((name) => DEPLOYED[name])
      .map((name) => ({ AlarmName: name, Dimensions: Object.entries(DEPLOYED[name]).map(([Name, Value]) => ({ Name, Value })) })),
  }));
  cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: MetricDataQuery[]; StartTime?: Date }) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((query) => {
      const values = seriesFor(query);
      const start = input.StartTime!.getTime();
      return { Id: query.Id, Values: values, Timestamps: values.map((_, i) => new Date(start + (i + 1) * 3_600_000)), StatusCode: 'Complete' };
    }),
  }));
});

afterAll(() => cloudwatch.restore());

function stacks() {
  const environment = parseEnvironment(GROWTH, 'environments/shop.yaml').environment!;
  return synthesizeInProcess([environment], tmpdir())[0].stacks;
}

describe('reading the advice signals from CloudWatch', () => {
  const synthesized = stacks();

  it('reads the metrics of the alarms and data stores the stacks define', () => {
    const targets = metricTargets(synthesized);
    const by = (signal: string) => targets.filter((t) => t.signal === signal);
    // Apply-time dimensions come from the deployed alarm; literal ones are used as synthesized.
    expect(by('appCpu')).toEqual([expect.objectContaining({ alarmName: `${STACK}-general-cpu-high`, namespace: 'AWS/EC2', metricName: 'CPUUtilization' })]);
    expect(by('appCpu')[0].dimensions).toBeUndefined();
    expect(by('p95Latency')).toEqual([expect.objectContaining({ alarmName: `${STACK}-p95-latency`, stat: 'p95' })]);
    expect(by('dbWriteCpu')).toEqual([expect.objectContaining({ dimensions: { DBInstanceIdentifier: `${STACK}-postgres` } })]);
    expect(by('dbReadCpu')).toEqual([expect.objectContaining({ dimensions: { DBInstanceIdentifier: `${STACK}-postgres-replica-0` } })]);
    expect(by('cacheHit').map((t) => t.dimensions)).toEqual([{ CacheClusterId: `${STACK}-redis-001` }, { CacheClusterId: `${STACK}-redis-002` }]);
    expect(by('queueDepth')).toEqual([expect.objectContaining({ metricName: 'MessageCount', dimensions: { Broker: `${STACK}-rabbitmq` } })]);
  });

  it('resolves dimensions from the deployed alarms and reduces the series to signals', async () => {
    const read = await readSignals(metricTargets(synthesized), { windowHours: 6, now: new Date('2026-01-10T12:00:00Z') });
    expect(read.metrics).toEqual({
      appCpuPercent: 85.2,
      db: { writeCpuPercent: 72, readCpuPercent: 35 },
      cacheHitRatio: (90 + 70 + 90 + 70) / 4 / 100,
      queueDepthTrend: 'growing',
      p95LatencyMs: 620,
    });
    const [describe] = cloudwatch.commandCalls(DescribeAlarmsCommand);
    expect(describe.args[0].input.AlarmNames?.sort()).toEqual([`${STACK}-general-cpu-high`, `${STACK}-p95-latency`]);
    const [get] = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(get.args[0].input).toMatchObject({
      StartTime: new Date('2026-01-10T06:00:00Z'),
      EndTime: new Date('2026-01-10T12:00:00Z'),
      ScanBy: 'TimestampAscending',
    });
    const asg = get.args[0].input.MetricDataQueries?.find((q) => q.MetricStat?.Metric?.Dimensions?.[0]?.Name === 'AutoScalingGroupName');
    expect(asg?.MetricStat).toEqual({
      Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'eks-general-1a2b3c' }] },
      Period: 3600,
      Stat: 'Average',
    });
  });

  it('notes an alarm that is not deployed instead of guessing its metric', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const read = await readSignals(metricTargets(synthesized), { windowHours: 6 });
    expect(read.notes).toContain(`us-east-1: alarm ${STACK}-general-cpu-high is not deployed, so ${STACK}-general-cpu-high (CPU) was not read`);
    expect(read.metrics.appCpuPercent).toBeUndefined();
    expect(read.metrics.p95LatencyMs).toBeUndefined();
  });

  it('reads a growing, steady or shrinking queue from the first and last thirds of the window', () => {
    expect(trendOf([10, 10, 11, 10, 30, 40])).toBe('growing');
    expect(trendOf([10, 11, 10, 10, 9, 11])).toBe('steady');
    expect(trendOf([100, 90, 60, 40, 20, 10])).toBe('shrinking');
  });
});

describe('stagecraft advise --from-cloudwatch', () => {
  it('prints the cheat sheet for the signals CloudWatch returned', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-advise-'));
    mkdirSync(join(root, 'environments'));
    copyExampleServices(root);
    writeFileSync(join(root, 'environments', 'shop.yaml'), GROWTH);
    writeFileSync(join(root, 'rows.json'), JSON.stringify({ largestTableRows: 200_000_000 }));
    let stdout = '';
    let stderr = '';
    const io: Io = { out: (t) => (stdout += t), err: (t) => (stderr += t), cwd: root };
    const code = await runCli(['advise', '--env', 'shop', '--from-cloudwatch', '--metrics', 'rows.json', '--json'], io);
    expect({ code, stderr }).toEqual({ code: 0, stderr: 'shop-growth: not in cdktf.out; synthesizing in-process\n' });
    const report = JSON.parse(stdout);
    expect(report.signals).toMatchObject({ appCpuPercent: 85.2, p95LatencyMs: 620, largestTableRows: 200_000_000, queueDepthTrend: 'growing' });
    const status = Object.fromEntries(report.rules.map((r: { id: string; status: string }) => [r.id, r.status]));
    expect(status).toEqual({
      'response-time': 'fires',
      'app-cpu': 'fires',
      'db-read-cpu': 'holds',
      'db-write-cpu': 'fires',
      'queue-depth': 'fires',
      'cache-hit': 'holds',
      'deploy-conflicts': 'not observed',
      'table-rows': 'holds',
      'third-party': 'not observed',
    });
    // 4.5M of growth's 5M ceiling, and every fired row has an action inside growth.
    expect(report.graduation).toMatchObject({ verdict: 'prepare', from: 'growth', to: 'scale' });
  });
});

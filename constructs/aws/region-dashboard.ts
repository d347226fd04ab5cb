/**
 * One CloudWatch dashboard per region (seed 004: a dashboard per environment): the four golden
 * signals — traffic, errors, latency, saturation — and the stage's graduation signals (the seed's
 * cheat-sheet thresholds the alarms already watch, advice/rules.ts) with the stage's MAU ceiling.
 * Built from the alarms the region's constructs registered on its AlarmTopic, so a new alarm
 * shows up without touching this file.
 */
import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { formatCount, nextStage, Stage, STAGE_MAU_CEILING } from '../../config/stages';
import { AlarmTopic, MetricAlarmSpec } from './alarm-topic';

/** Props of a RegionDashboard. */
export interface RegionDashboardProps {
  /** Dashboard name, `<env>-<region>`. */
  readonly name: string;
  readonly region: string;
  readonly stage: Stage;
  /** Every alarm of the region is read from here. */
  readonly alarms: AlarmTopic;
  /** The ALB's `arn_suffix`, on cluster stages. @default none: traffic and errors come from the hosts */
  readonly loadBalancerArnSuffix?: string;
}

/** Metrics that measure how full something is. */
const SATURATION = /CPU|Memory|FreeStorageSpace|FreeableMemory|RabbitMQMemUsed/;
/** Metrics behind seed 004's graduation signals: app/DB CPU, p95 latency, queue depth, cache memory. */
const GRADUATION = /CPUUtilization|TargetResponseTime|MessageCount|DatabaseMemoryUsagePercentage|SumOffsetLag/;

type Widget = Record<string, unknown>;

function metricLine(spec: MetricAlarmSpec): unknown[] {
  const dimensions = Object.entries(spec.dimensions).flat();
  return [spec.namespace, spec.metricName, ...dimensions, { stat: spec.extendedStatistic ?? spec.statistic ?? 'Average', label: spec.alarmName }];
}

export class RegionDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: RegionDashboardProps) {
    super(scope, id);
    const specs = props.alarms.alarms.map((a) => a.spec);
    const lb = props.loadBalancerArnSuffix;
    const metrics = (title: string, lines: unknown[][], stat = 'Sum'): Widget => ({
      type: 'metric',
      width: 12,
      height: 6,
      properties: { title, region: props.region, view: 'timeSeries', stat, period: 60, metrics: lines },
    });
    const text = (title: string, markdown: string): Widget => ({ type: 'text', width: 12, height: 3, properties: { markdown: `### ${title}\n${markdown}` } });
    const hostSpecs = specs.filter((s) => s.namespace === 'AWS/EC2' && 'InstanceId' in s.dimensions);
    const hostIds = [...new Set(hostSpecs.map((s) => s.dimensions.InstanceId))];

    const widgets: Widget[] = [];
    widgets.push(
      lb
        ? metrics('Traffic: requests', [['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', lb]])
        : metrics(
            'Traffic: host network in',
            hostIds.map((instance) => ['AWS/EC2', 'NetworkIn', 'InstanceId', instance]),
          ),
    );
    widgets.push(
      lb
        ? metrics('Errors: 5xx', [
            ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', lb],
            ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'LoadBalancer', lb],
          ])
        : metrics(
            'Errors: failed status checks',
            hostIds.map((instance) => ['AWS/EC2', 'StatusCheckFailed', 'InstanceId', instance]),
            'Maximum',
          ),
    );
    widgets.push(
      lb
        ? metrics('Latency: target response time', [
            ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', lb, { stat: 'p50' }],
            ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', lb, { stat: 'p95' }],
            ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', lb, { stat: 'p99' }],
          ])
        : text('Latency', 'No load balancer at this stage: read origin response time in Cloudflare Analytics (the edge in front of the host).'),
    );
    widgets.push(metrics('Saturation', specs.filter((s) => SATURATION.test(s.metricName)).map(metricLine), 'Average'));
    const ceiling = STAGE_MAU_CEILING[props.stage];
    const next = nextStage(props.stage);
    widgets.push(
      text(
        'Graduation signals',
        `${props.stage} holds up to ${Number.isFinite(ceiling) ? formatCount(ceiling) : 'any number of'} MAU${next ? `; plan the move to ${next} from 80% of it` : ''}. ` +
          'The alarms below are seed 004’s cheat-sheet signals; `stagecraft advise --from-cloudwatch` reads them.',
      ),
    );
    const graduation = props.alarms.alarms.filter((a) => GRADUATION.test(a.spec.metricName));
    if (graduation.length > 0) {
      widgets.push({ type: 'alarm', width: 24, height: 4, properties: { title: 'Graduation: signal alarms', alarms: graduation.map((a) => a.alarm.arn) } });
    }

    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.name,
      dashboardBody: JSON.stringify({
        widgets: widgets.filter((w) => w.type !== 'metric' || ((w.properties as { metrics: unknown[] }).metrics ?? []).length > 0),
      }),
    });
  }
}

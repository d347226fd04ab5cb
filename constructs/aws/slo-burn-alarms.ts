/**
 * Multi-window burn-rate alarms on a load balancer (Google SRE workbook, "Alerting on SLOs"): for
 * each window pair, two metric-math alarms on the 5xx ratio (long and short window) and a
 * composite alarm that pages only when both burn, so a short spike does not page and a page clears
 * soon after the errors stop. Thresholds are computed from the SLO (config/slo.ts), not fixed.
 */
import { Construct } from 'constructs';
import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { BURN_WINDOWS, burnRate, burnThreshold, errorBudgetHoursPerYear, errorBudgetMinutes, Slo } from '../../config/slo';
import { AlarmTopic } from './alarm-topic';

/** Props of SloBurnAlarms. */
export interface SloBurnAlarmsProps {
  /** Prefix of the alarm names, `<env>-<region>`. */
  readonly namePrefix: string;
  readonly slo: Slo;
  /** The load balancer's `arn_suffix` (its CloudWatch dimension). */
  readonly loadBalancerArnSuffix: string;
  readonly alarms: AlarmTopic;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Alarms `<prefix>-slo-burn-<fast|slow>` (composite, paging) over `…-<window>m` metric alarms. */
export class SloBurnAlarms extends Construct {
  /** The paging alarms, one per window pair. */
  readonly composites: CloudwatchCompositeAlarm[] = [];
  /** The window alarms the composites combine. */
  readonly windows: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: SloBurnAlarmsProps) {
    super(scope, id);
    const { slo, namePrefix } = props;
    const budget = `${slo.availabilityPercent}% over ${slo.windowDays} days: an error budget of ${round(errorBudgetMinutes(slo), 1)} minutes per window, ${round(errorBudgetHoursPerYear(slo), 2)} hours a year`;
    for (const window of BURN_WINDOWS) {
      const threshold = burnThreshold(slo, window);
      const names = [window.longMinutes, window.shortMinutes].map((minutes) => `${namePrefix}-slo-burn-${window.name}-${minutes}m`);
      const metricAlarms = [window.longMinutes, window.shortMinutes].map((minutes, i) => {
        const period = minutes * 60;
        const metric = (idName: string, metricName: string) => ({
          id: idName,
          metric: { namespace: 'AWS/ApplicationELB', metricName, dimensions: { LoadBalancer: props.loadBalancerArnSuffix }, period, stat: 'Sum' },
        });
        const alarm = new CloudwatchMetricAlarm(this, `${window.name}-${minutes}m`, {
          alarmName: names[i],
          alarmDescription: `5xx ratio over ${minutes} minutes above ${round(threshold * 100, 4)}% (burn rate ${round(burnRate(slo, window), 2)}); part of ${namePrefix}-slo-burn-${window.name}.`,
          comparisonOperator: 'GreaterThanThreshold',
          threshold,
          evaluationPeriods: 1,
          treatMissingData: 'notBreaching',
          metricQuery: [
            metric('target5xx', 'HTTPCode_Target_5XX_Count'),
            metric('elb5xx', 'HTTPCode_ELB_5XX_Count'),
            metric('requests', 'RequestCount'),
            { id: 'ratio', expression: 'IF(requests > 0, (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)', label: '5xx ratio', returnData: true },
          ],
        });
        this.windows.push(alarm);
        return alarm;
      });
      this.composites.push(
        new CloudwatchCompositeAlarm(this, window.name, {
          alarmName: `${namePrefix}-slo-burn-${window.name}`,
          alarmDescription: `SLO ${budget}. Pages when ${window.budgetShare * 100}% of the budget burns within ${window.longMinutes / 60} h (burn rate ${round(burnRate(slo, window), 2)}) and is still burning over ${window.shortMinutes} min.`,
          alarmRule: names.map((n) => `ALARM("${n}")`).join(' AND '),
          alarmActions: [props.alarms.topic.arn],
          okActions: [props.alarms.topic.arn],
          dependsOn: metricAlarms,
        }),
      );
    }
  }
}

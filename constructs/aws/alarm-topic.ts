import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { EncryptionKey } from './encryption-key';
import { terraformLiteral } from '../../synthesis/terraform-literal';
import { topicArn } from '../shared/arn';

/** Props of an AlarmTopic. */
export interface AlarmTopicProps {
  /** Topic name. */
  readonly name: string;
  readonly encryptionKey: EncryptionKey;
  /** Addresses subscribed by email. @default none */
  readonly emails?: readonly string[];
  /** HTTPS endpoint of the paging service, subscribed with protocol https. @default none */
  readonly pagerEndpoint?: string;
}

/** One CloudWatch alarm on one metric. */
export interface MetricAlarmSpec {
  readonly alarmName: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly comparison: 'GreaterThanThreshold' | 'LessThanThreshold' | 'GreaterThanOrEqualToThreshold';
  readonly threshold: number;
  /** A percentile such as "p95", instead of `statistic`. @default none */
  readonly extendedStatistic?: string;
  /** @default "Average" (ignored when extendedStatistic is set) */
  readonly statistic?: 'Average' | 'Maximum' | 'Minimum' | 'Sum';
  /** @default 60 */
  readonly periodSeconds?: number;
  /** Consecutive breaching periods before the alarm fires. @default 5 */
  readonly evaluationPeriods?: number;
  /** Extra actions besides notifying the topic (e.g. EC2 recover). @default none */
  readonly extraActions?: readonly string[];
}

/**
 * The encrypted SNS topic every alarm of a region notifies, and the one place alarm
 * defaults live (period, evaluation, missing data).
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  /** Every alarm added through `alarm`, with its spec, for the region's dashboard and runbooks. */
  readonly alarms: Array<{ readonly alarm: CloudwatchMetricAlarm; readonly spec: MetricAlarmSpec }> = [];
  /** The https subscription of the pager, when an endpoint is given. */
  readonly pager?: SnsTopicSubscription;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: props.name, kmsMasterKeyId: props.encryptionKey.arn });
    (props.emails ?? []).forEach((email, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: 'email', endpoint: terraformLiteral(email) });
    });
    if (props.pagerEndpoint !== undefined) {
      // SNS posts a confirmation request first; paging services' integration URLs confirm it themselves.
      this.pager = new SnsTopicSubscription(this, 'pager', { topicArn: this.topic.arn, protocol: 'https', endpoint: props.pagerEndpoint });
    }
    // CloudWatch alarms and EventBridge rules (failed restore tests) publish; the account administers.
    const account = props.encryptionKey.accountId;
    // Built from the name, not `topic.arn`, so the first plan shows the policy (constructs/shared/arn.ts).
    const arn = topicArn(props.encryptionKey, props.name);
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sns:*', Resource: arn },
          ...['cloudwatch', 'events'].map((service) => ({
            Sid: `${service === 'events' ? 'EventBridge' : 'CloudWatch'}Publishes`,
            Effect: 'Allow',
            Principal: { Service: `${service}.amazonaws.com` },
            Action: 'sns:Publish',
            Resource: arn,
            Condition: { StringEquals: { 'aws:SourceAccount': account } },
          })),
        ],
      }),
    });
  }

  /** Adds an alarm that notifies this topic when it fires and when it clears. */
  alarm(scope: Construct, id: string, spec: MetricAlarmSpec): CloudwatchMetricAlarm {
    const actions = [this.topic.arn, ...(spec.extraActions ?? [])];
    const alarm = new CloudwatchMetricAlarm(scope, id, {
      alarmName: spec.alarmName,
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: { ...spec.dimensions },
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      statistic: spec.extendedStatistic ? undefined : (spec.statistic ?? 'Average'),
      extendedStatistic: spec.extendedStatistic,
      period: spec.periodSeconds ?? 60,
      evaluationPeriods: spec.evaluationPeriods ?? 5,
      treatMissingData: 'missing',
      alarmActions: actions,
      okActions: [this.topic.arn],
    });
    this.alarms.push({ alarm, spec });
    return alarm;
  }
}

import { Construct } from 'constructs';
import { AlarmTopic, AlarmTopicProps, MetricAlarmSpec } from '../../../constructs/aws/alarm-topic';
import { buildKey, keyArnOf } from '../../helpers/foundation';
import { resourcesOfType, synthAws, SynthesizedStack } from '../../helpers/synth';

const SPEC: MetricAlarmSpec = {
  alarmName: 'acme-us-east-1-queue-depth',
  description: 'Queue is backing up',
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
  dimensions: { QueueName: 'jobs' },
  comparison: 'GreaterThanThreshold',
  threshold: 1000,
};

function topic(props: Partial<Omit<AlarmTopicProps, 'encryptionKey'>> = {}, build?: (alarms: AlarmTopic, scope: Construct) => void): SynthesizedStack {
  return synthAws((scope) => {
    const alarms = new AlarmTopic(scope, 'alarms', { name: 'acme-us-east-1-alarms', encryptionKey: buildKey(scope), ...props });
    build?.(alarms, scope);
  });
}

function only(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const resources = resourcesOfType(stack, type);
  expect(resources).toHaveLength(1);
  return resources[0];
}

function topicArnOf(stack: SynthesizedStack): string {
  return `\${aws_sns_topic.${Object.keys(stack.resources.aws_sns_topic)[0]}.arn}`;
}

describe('AlarmTopic', () => {
  it('encrypts the topic with the key', () => {
    const stack = topic();
    expect(only(stack, 'aws_sns_topic')).toEqual({ name: 'acme-us-east-1-alarms', kms_master_key_id: keyArnOf(stack) });
  });

  it('subscribes each address by email', () => {
    const stack = topic({ emails: ['oncall@acme-example.com', 'platform@acme-example.com'] });
    const subscriptions = resourcesOfType(stack, 'aws_sns_topic_subscription');
    expect(subscriptions).toHaveLength(2);
    expect(subscriptions.map((s) => s.endpoint).sort()).toEqual(['oncall@acme-example.com', 'platform@acme-example.com']);
    for (const s of subscriptions) expect(s).toMatchObject({ topic_arn: topicArnOf(stack), protocol: 'email' });
  });

  it('has no subscriptions without addresses', () => {
    expect(resourcesOfType(topic(), 'aws_sns_topic_subscription')).toHaveLength(0);
  });

  it('builds alarms with one-minute periods, five evaluations and missing data left missing, notifying on alarm and OK', () => {
    const stack = topic({}, (alarms, scope) => alarms.alarm(scope, 'queue', SPEC));
    const arn = topicArnOf(stack);
    expect(only(stack, 'aws_cloudwatch_metric_alarm')).toEqual({
      alarm_name: 'acme-us-east-1-queue-depth',
      alarm_description: 'Queue is backing up',
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: 'jobs' },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 1000,
      statistic: 'Average',
      period: 60,
      evaluation_periods: 5,
      treat_missing_data: 'missing',
      alarm_actions: [arn],
      ok_actions: [arn],
    });
  });

  it('takes the statistic, period, evaluations and extra actions from the spec', () => {
    const stack = topic({}, (alarms, scope) =>
      alarms.alarm(scope, 'queue', {
        ...SPEC,
        statistic: 'Maximum',
        periodSeconds: 300,
        evaluationPeriods: 2,
        extraActions: ['arn:aws:automate:us-east-1:ec2:recover'],
      }),
    );
    const arn = topicArnOf(stack);
    expect(only(stack, 'aws_cloudwatch_metric_alarm')).toMatchObject({
      statistic: 'Maximum',
      period: 300,
      evaluation_periods: 2,
      alarm_actions: [arn, 'arn:aws:automate:us-east-1:ec2:recover'],
      ok_actions: [arn],
    });
  });

  it('uses a percentile instead of a statistic when extendedStatistic is set', () => {
    const alarm = only(
      topic({}, (alarms, scope) => alarms.alarm(scope, 'queue', { ...SPEC, statistic: 'Sum', extendedStatistic: 'p99' })),
      'aws_cloudwatch_metric_alarm',
    );
    expect(alarm.extended_statistic).toBe('p99');
    expect(alarm).not.toHaveProperty('statistic');
  });
});

import { Construct } from 'constructs';
import { RabbitMqBroker, RabbitMqBrokerProps } from '../../../constructs/aws/rabbitmq-broker';
import { buildFoundation, clientGroup, NAME_PREFIX, referencedGroup, THREE_ZONES } from '../../helpers/foundation';
import { resourcesOfType, synthAws } from '../../helpers/synth';

function build(scope: Construct, overrides: Partial<RabbitMqBrokerProps> = {}, zones = THREE_ZONES): RabbitMqBroker {
  return new RabbitMqBroker(scope, 'queue', { ...buildFoundation(scope, { zones }), namePrefix: NAME_PREFIX, deployment: 'single', ...overrides });
}

function broker(overrides: Partial<RabbitMqBrokerProps> = {}, zones = THREE_ZONES) {
  return synthAws((scope) => build(scope, overrides, zones));
}

function alarmsByMetric(stack: ReturnType<typeof broker>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(resourcesOfType(stack, 'aws_cloudwatch_metric_alarm').map((a) => [a.metric_name as string, a]));
}

describe('RabbitMqBroker', () => {
  it('runs a private RabbitMQ 3.13 single instance in one data subnet with general logs', () => {
    const [mq] = resourcesOfType(broker(), 'aws_mq_broker');
    expect(mq).toMatchObject({
      broker_name: 'acme-us-east-1-rabbitmq',
      engine_type: 'RabbitMQ',
      engine_version: '3.13',
      auto_minor_version_upgrade: true,
      host_instance_type: 'mq.m5.large',
      deployment_mode: 'SINGLE_INSTANCE',
      publicly_accessible: false,
      logs: { general: true },
      maintenance_window_start_time: { day_of_week: 'SUNDAY', time_of_day: '03:00', time_zone: 'UTC' },
      lifecycle: { prevent_destroy: true },
    });
    expect(mq.subnet_ids).toHaveLength(1);
    expect(String((mq.subnet_ids as string[])[0])).toMatch(/aws_subnet\.network_data-0/);
  });

  it('spreads a cluster over three data subnets', () => {
    const [mq] = resourcesOfType(broker({ deployment: 'cluster', instanceType: 'mq.m5.xlarge' }), 'aws_mq_broker');
    expect(mq.deployment_mode).toBe('CLUSTER_MULTI_AZ');
    expect(mq.host_instance_type).toBe('mq.m5.xlarge');
    expect(mq.subnet_ids).toHaveLength(3);
  });

  it('encrypts with an AWS-owned key, the only option RabbitMQ brokers have', () => {
    const [mq] = resourcesOfType(broker(), 'aws_mq_broker');
    expect(mq.encryption_options).toEqual({ use_aws_owned_key: true });
  });

  it('takes the admin password from a generated secret and puts nothing secret in the JSON', () => {
    const stack = broker();
    const [mq] = resourcesOfType(stack, 'aws_mq_broker');
    expect(mq.user).toEqual([
      { username: 'stagecraft-admin', password: expect.stringMatching(/^\$\{aws_secretsmanager_secret_version\.[\w-]+\.secret_string\}$/) },
    ]);
    const [secret] = resourcesOfType(stack, 'aws_secretsmanager_secret');
    expect(secret.name).toBe('acme-us-east-1-rabbitmq/admin-password');
    expect(secret.kms_key_id).toMatch(/aws_kms_key/);
  });

  it('admits AMQPS and management only from client security groups', () => {
    const stack = synthAws((scope) => {
      const app = clientGroup(scope, 'app');
      const worker = clientGroup(scope, 'worker');
      const queue = build(scope, { clientSecurityGroups: [app] });
      queue.allowFrom(worker, 'workers');
    });
    const rules = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => [r.from_port, r.to_port, r.ip_protocol])).toEqual([
      [5671, 5671, 'tcp'],
      [443, 443, 'tcp'],
      [5671, 5671, 'tcp'],
      [443, 443, 'tcp'],
    ]);
    expect(rules.map(referencedGroup)).toEqual(['app', 'app', 'worker', 'worker']);
    expect(rules.every((r) => r.cidr_ipv4 === undefined && r.cidr_ipv6 === undefined)).toBe(true);
    const sg = resourcesOfType(stack, 'aws_security_group').find((g) => g.name === 'acme-us-east-1-rabbitmq');
    expect(sg?.egress).toBeUndefined();
    expect(sg?.ingress).toBeUndefined();
  });

  it('alarms on CPU, memory below the publisher-blocking limit, and queue depth', () => {
    const alarms = alarmsByMetric(broker());
    expect(Object.keys(alarms).sort()).toEqual(['MessageCount', 'RabbitMQMemUsed', 'SystemCpuUtilization']);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.namespace).toBe('AWS/AmazonMQ');
      expect(alarm.dimensions).toEqual({ Broker: 'acme-us-east-1-rabbitmq' });
      expect(alarm.comparison_operator).toBe('GreaterThanThreshold');
    }
    expect(alarms.SystemCpuUtilization.threshold).toBe(80);
    // 80% of RabbitMQMemLimit, which is 40% of mq.m5.large's 8 GiB.
    expect(alarms.RabbitMQMemUsed.threshold).toBe(Math.round(0.8 * 0.4 * 8 * 1024 ** 3));
    expect(alarms.MessageCount.threshold).toBe(100000);
  });

  it('scales per-node thresholds to the three-node sum a cluster reports', () => {
    const alarms = alarmsByMetric(broker({ deployment: 'cluster', memoryAlarmBytes: 1_000_000_000, queueDepthAlarm: 5000 }));
    expect(alarms.SystemCpuUtilization.threshold).toBe(240);
    expect(alarms.RabbitMQMemUsed.threshold).toBe(3_000_000_000);
    expect(alarms.MessageCount.threshold).toBe(5000);
  });

  it('refuses a cluster on a network with fewer than three zones', () => {
    expect(() => broker({ deployment: 'cluster' }, ['use1-az1', 'use1-az2'])).toThrow(
      'test/queue: deployment: "cluster" (CLUSTER_MULTI_AZ) puts one node in each of 3 availability zones; the network has 2. Use "single" or a network with 3 zones',
    );
  });

  it('reports every invalid prop at once', () => {
    expect(() =>
      broker({ deployment: 'cluster', instanceType: 'mq.t3.micro', maintenanceWindow: { dayOfWeek: 'MONDAY', timeOfDay: '25:00' } }, ['use1-az1', 'use1-az2']),
    ).toThrow(
      [
        'test/queue: deployment: "cluster" (CLUSTER_MULTI_AZ) puts one node in each of 3 availability zones; the network has 2. Use "single" or a network with 3 zones',
        'test/queue: instanceType: "mq.t3.micro" runs single-instance brokers only; use mq.m5.large or larger for "cluster"',
        'test/queue: maintenanceWindow.timeOfDay: must be HH:MM in UTC (e.g. "03:00"), got "25:00"',
      ].join('\n'),
    );
  });

  it('needs memoryAlarmBytes for an instance type of unknown memory', () => {
    expect(() => broker({ instanceType: 'mq.m7g.large' })).toThrow(
      'test/queue: memoryAlarmBytes: required for instance type "mq.m7g.large", whose memory is not known here (known: mq.t3.micro, mq.m5.large, mq.m5.xlarge, mq.m5.2xlarge, mq.m5.4xlarge)',
    );
    const alarms = alarmsByMetric(broker({ instanceType: 'mq.m7g.large', memoryAlarmBytes: 2_000_000_000 }));
    expect(alarms.RabbitMQMemUsed.threshold).toBe(2_000_000_000);
  });
});

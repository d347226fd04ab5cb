import { Construct } from 'constructs';
import { KafkaCluster, KafkaClusterProps } from '../../../constructs/aws/kafka-cluster';
import { buildFoundation, clientGroup, NAME_PREFIX, referencedGroup, THREE_ZONES } from '../../helpers/foundation';
import { resourcesOfType, synthAws } from '../../helpers/synth';

function build(scope: Construct, overrides: Partial<KafkaClusterProps> = {}, zones = THREE_ZONES): KafkaCluster {
  return new KafkaCluster(scope, 'streaming', { ...buildFoundation(scope, { zones }), namePrefix: NAME_PREFIX, ...overrides });
}

function kafka(overrides: Partial<KafkaClusterProps> = {}, zones = THREE_ZONES) {
  return synthAws((scope) => build(scope, overrides, zones));
}

function clusterOf(stack: ReturnType<typeof kafka>): Record<string, any> {
  const [cluster] = resourcesOfType(stack, 'aws_msk_cluster');
  return cluster;
}

describe('KafkaCluster', () => {
  it('runs Kafka 3.6.0 with one broker per zone by default, in the data subnets', () => {
    const cluster = clusterOf(kafka());
    expect(cluster).toMatchObject({
      cluster_name: 'acme-us-east-1-kafka',
      kafka_version: '3.6.0',
      number_of_broker_nodes: 3,
      enhanced_monitoring: 'PER_BROKER',
      broker_node_group_info: { instance_type: 'kafka.m7g.large', storage_info: { ebs_storage_info: { volume_size: 100 } } },
      lifecycle: { prevent_destroy: true },
    });
    const subnets: string[] = cluster.broker_node_group_info.client_subnets;
    expect(subnets).toHaveLength(3);
    expect(subnets.every((s) => /aws_subnet\.network_data-\d/.test(s))).toBe(true);
  });

  it('takes six brokers over three zones and four over two', () => {
    expect(clusterOf(kafka({ brokers: 6, instanceType: 'kafka.m7g.xlarge', volumeGiB: 1000 }))).toMatchObject({
      number_of_broker_nodes: 6,
      broker_node_group_info: { instance_type: 'kafka.m7g.xlarge', storage_info: { ebs_storage_info: { volume_size: 1000 } } },
    });
    const two = clusterOf(kafka({ brokers: 4 }, ['use1-az1', 'use1-az2']));
    expect(two.number_of_broker_nodes).toBe(4);
    expect(two.broker_node_group_info.client_subnets).toHaveLength(2);
  });

  it('encrypts at rest with the key and in transit, and authenticates clients by IAM only', () => {
    const cluster = clusterOf(kafka());
    expect(cluster.encryption_info).toEqual({
      encryption_at_rest_kms_key_arn: expect.stringMatching(/^\$\{aws_kms_key\.[\w-]+\.arn\}$/),
      encryption_in_transit: { client_broker: 'TLS', in_cluster: true },
    });
    expect(cluster.client_authentication).toEqual({ sasl: { iam: true }, unauthenticated: false });
  });

  it('refuses topic auto-creation and replicates three ways with two in sync', () => {
    const stack = kafka();
    const [configuration] = resourcesOfType(stack, 'aws_msk_configuration');
    expect(configuration.kafka_versions).toEqual(['3.6.0']);
    expect(String(configuration.server_properties).split('\n')).toEqual([
      'auto.create.topics.enable=false',
      'default.replication.factor=3',
      'min.insync.replicas=2',
    ]);
    expect(clusterOf(stack).configuration_info).toEqual({
      arn: expect.stringMatching(/^\$\{aws_msk_configuration\.[\w-]+\.arn\}$/),
      revision: expect.stringMatching(/^\$\{aws_msk_configuration\.[\w-]+\.latest_revision\}$/),
    });
  });

  it('lowers replication to what two brokers can hold', () => {
    const [configuration] = resourcesOfType(kafka({ brokers: 2 }, ['use1-az1', 'use1-az2']), 'aws_msk_configuration');
    expect(String(configuration.server_properties)).toContain('default.replication.factor=2\nmin.insync.replicas=1');
  });

  it('exports Prometheus metrics and broker logs to an encrypted log group', () => {
    const stack = kafka();
    const cluster = clusterOf(stack);
    expect(cluster.open_monitoring).toEqual({ prometheus: { jmx_exporter: { enabled_in_broker: true }, node_exporter: { enabled_in_broker: true } } });
    expect(cluster.logging_info.broker_logs.cloudwatch_logs).toEqual({
      enabled: true,
      log_group: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]+\.name\}$/),
    });
    const group = resourcesOfType(stack, 'aws_cloudwatch_log_group').find((g) => g.name === '/aws/msk/acme-us-east-1-kafka/broker');
    expect(group?.kms_key_id).toMatch(/aws_kms_key/);
  });

  it('admits 9098 only from client security groups, and the exporters only from Prometheus', () => {
    const stack = synthAws((scope) => {
      const app = clientGroup(scope, 'app');
      const prometheus = clientGroup(scope, 'prometheus');
      const streaming = build(scope, { clientSecurityGroups: [app] });
      streaming.allowFrom(prometheus, 'prometheus');
      streaming.allowPrometheusFrom(prometheus, 'prometheus');
    });
    const rules = resourcesOfType(stack, 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => [r.from_port, r.to_port, referencedGroup(r)])).toEqual([
      [9098, 9098, 'app'],
      [9098, 9098, 'prometheus'],
      [11001, 11001, 'prometheus'],
      [11002, 11002, 'prometheus'],
    ]);
    expect(rules.every((r) => r.cidr_ipv4 === undefined && r.ip_protocol === 'tcp')).toBe(true);
  });

  it('alarms on user CPU and data disk of every broker', () => {
    const alarms = resourcesOfType(kafka({ brokers: 6 }), 'aws_cloudwatch_metric_alarm');
    expect(alarms).toHaveLength(12);
    for (const metric of ['CpuUser', 'KafkaDataLogsDiskUsed']) {
      const ofMetric = alarms.filter((a) => a.metric_name === metric);
      expect(ofMetric.map((a) => (a.dimensions as Record<string, string>)['Broker ID'])).toEqual(['1', '2', '3', '4', '5', '6']);
      for (const alarm of ofMetric) {
        expect(alarm).toMatchObject({ namespace: 'AWS/Kafka', comparison_operator: 'GreaterThanThreshold', threshold: 80 });
        expect((alarm.dimensions as Record<string, string>)['Cluster Name']).toBe('acme-us-east-1-kafka');
      }
    }
  });

  it('refuses brokers that do not spread evenly over the zones', () => {
    expect(() => kafka({ brokers: 4 })).toThrow('test/streaming: brokers: 4 brokers do not spread evenly over 3 availability zones; use a multiple of 3');
  });

  it('reports every invalid prop at once', () => {
    expect(() => kafka({ brokers: 0, volumeGiB: 20000 }, ['use1-az1'])).toThrow(
      [
        'test/streaming: network: MSK needs client subnets in 2 or 3 availability zones; the network has 1',
        'test/streaming: brokers: must be a whole number of 1 or more, got 0',
        'test/streaming: volumeGiB: must be a whole number 1–16384, got 20000',
      ].join('\n'),
    );
  });
});

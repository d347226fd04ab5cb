import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktf/provider-aws/lib/msk-configuration';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AlarmTopic } from './alarm-topic';
import { ClientAccess } from './client-access';
import { encryptedLogGroup } from './encrypted-log-group';
import { EncryptionKey } from './encryption-key';
import { Network } from './network';
import { preventDestroy, resourceName } from '../shared/protection';
import { SecurityGroupRef } from './security-group-ref';
import { checkProps } from '../shared/validation';

/** Port of TLS listeners with IAM access control, the only listener clients get. */
export const KAFKA_IAM_TLS_PORT = 9098;
/** Ports of the Prometheus JMX and node exporters on every broker. */
export const KAFKA_PROMETHEUS_PORTS = { 'jmx-exporter': 11001, 'node-exporter': 11002 } as const;

const KAFKA_VERSION = '3.6.0';
/** Label of the client listener's rules: `ingress-<id>-iam-tls`. */
const KAFKA_IAM_TLS_LABEL = 'iam-tls';

/** Props of a KafkaCluster. */
export interface KafkaClusterProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  /** Brokers go into the network's data subnets, in the first min(3, zones) zones. */
  readonly network: Network;
  /** Key for storage and the broker log group. */
  readonly encryptionKey: EncryptionKey;
  /** Topic the cluster's alarms notify. */
  readonly alarms: AlarmTopic;
  /** Brokers; a multiple of the zones used, min(3, zones). @default one per zone used */
  readonly brokers?: number;
  /** Broker instance type. @default "kafka.m7g.large" */
  readonly instanceType?: string;
  /** EBS volume per broker, GiB. @default 100 */
  readonly volumeGiB?: number;
  /** Days broker logs are kept. @default 90 */
  readonly logRetentionDays?: number;
  /**
   * Security groups allowed to connect on 9098; rules are keyed by position. Groups that
   * exist only later are added with `allowFrom`. @default none
   */
  readonly clientSecurityGroups?: readonly SecurityGroupRef[];
}

/**
 * An Amazon MSK (Kafka 3.6) cluster in the data subnets behind its own security group:
 * encrypted at rest with the key and in transit everywhere, IAM authentication only (no
 * passwords, no anonymous clients), topics created on purpose only, replicated three ways
 * where there are three brokers, per-broker metrics, Prometheus exporters and broker logs.
 */
export class KafkaCluster extends Construct {
  readonly cluster: MskCluster;
  readonly configuration: MskConfiguration;
  readonly securityGroup: SecurityGroup;
  readonly ingressRules: VpcSecurityGroupIngressRule[];
  readonly logGroup: CloudwatchLogGroup;
  readonly metricAlarms: CloudwatchMetricAlarm[] = [];
  readonly clusterName: string;
  /** Bootstrap servers for IAM-authenticated TLS clients, `host:9098,…`. */
  readonly bootstrapBrokers: string;
  readonly port = KAFKA_IAM_TLS_PORT;
  /** Brokers of the cluster: topics' partitions are a multiple of it. */
  readonly brokers: number;

  private readonly clientAccess: ClientAccess;

  constructor(scope: Construct, id: string, props: KafkaClusterProps) {
    super(scope, id);
    const zones = props.network.dataSubnets.length;
    const zonesUsed = Math.min(3, zones);
    const brokers = props.brokers ?? zonesUsed;
    const instanceType = props.instanceType ?? 'kafka.m7g.large';
    const volumeGiB = props.volumeGiB ?? 100;
    const logRetentionDays = props.logRetentionDays ?? 90;

    checkProps(this, [
      { failed: zones < 2, message: `network: MSK needs client subnets in 2 or 3 availability zones; the network has ${zones}` },
      { failed: !(Number.isInteger(brokers) && brokers >= 1), message: `brokers: must be a whole number of 1 or more, got ${brokers}` },
      {
        failed: zones >= 2 && Number.isInteger(brokers) && brokers % zonesUsed !== 0,
        message: `brokers: ${brokers} brokers do not spread evenly over ${zonesUsed} availability zones; use a multiple of ${zonesUsed}`,
      },
      {
        failed: !(Number.isInteger(volumeGiB) && volumeGiB >= 1 && volumeGiB <= 16384),
        message: `volumeGiB: must be a whole number 1–16384, got ${volumeGiB}`,
      },
    ]);

    this.brokers = brokers;
    this.clusterName = resourceName(props.namePrefix, 'kafka', 64);
    const name = this.clusterName;

    this.clientAccess = new ClientAccess(this, {
      name,
      service: 'Kafka',
      network: props.network,
      clientPorts: { [KAFKA_IAM_TLS_LABEL]: KAFKA_IAM_TLS_PORT },
      clientSecurityGroups: props.clientSecurityGroups,
    });
    this.securityGroup = this.clientAccess.securityGroup;
    this.ingressRules = this.clientAccess.ingressRules;

    // Fewer than three brokers cannot hold three replicas; with two, one replica must be enough.
    const replicationFactor = Math.min(3, brokers);
    const minInsyncReplicas = brokers >= 3 ? 2 : 1;
    this.configuration = new MskConfiguration(this, 'configuration', {
      name,
      description: 'Topics created on purpose, replicated and acknowledged by a quorum',
      kafkaVersions: [KAFKA_VERSION],
      serverProperties: [
        // A typo in a topic name must fail, not create a one-replica topic.
        'auto.create.topics.enable=false',
        `default.replication.factor=${replicationFactor}`,
        `min.insync.replicas=${minInsyncReplicas}`,
      ].join('\n'),
    });

    this.logGroup = encryptedLogGroup(this, 'broker-logs', {
      name: `/aws/msk/${name}/broker`,
      retentionDays: logRetentionDays,
      encryptionKey: props.encryptionKey,
    });

    this.cluster = preventDestroy(
      new MskCluster(this, 'cluster', {
        clusterName: name,
        kafkaVersion: KAFKA_VERSION,
        numberOfBrokerNodes: brokers,
        brokerNodeGroupInfo: {
          instanceType,
          clientSubnets: props.network.dataSubnets.slice(0, zonesUsed).map((s) => s.id),
          securityGroups: [this.securityGroup.id],
          storageInfo: { ebsStorageInfo: { volumeSize: volumeGiB } },
        },
        encryptionInfo: {
          encryptionAtRestKmsKeyArn: props.encryptionKey.arn,
          encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
        },
        clientAuthentication: { sasl: { iam: true }, unauthenticated: false },
        configurationInfo: { arn: this.configuration.arn, revision: this.configuration.latestRevision },
        enhancedMonitoring: 'PER_BROKER',
        openMonitoring: { prometheus: { jmxExporter: { enabledInBroker: true }, nodeExporter: { enabledInBroker: true } } },
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: this.logGroup.name } } },
        tags: { Name: name },
      }),
    );
    this.bootstrapBrokers = this.cluster.bootstrapBrokersSaslIam;

    // MSK publishes CPU and disk per broker only (dimensions Cluster Name and Broker ID, 1…n).
    for (let broker = 1; broker <= brokers; broker++) {
      const dimensions = { 'Cluster Name': name, 'Broker ID': String(broker) };
      this.metricAlarms.push(
        props.alarms.alarm(this, `broker-${broker}-cpu`, {
          alarmName: `${name}-broker-${broker}-cpu`,
          description: `Kafka ${name} broker ${broker}: user CPU above 80%.`,
          namespace: 'AWS/Kafka',
          metricName: 'CpuUser',
          dimensions,
          comparison: 'GreaterThanThreshold',
          threshold: 80,
        }),
        props.alarms.alarm(this, `broker-${broker}-disk`, {
          alarmName: `${name}-broker-${broker}-disk`,
          description: `Kafka ${name} broker ${broker}: data volume more than 80% full; grow volumeGiB or shorten retention.`,
          namespace: 'AWS/Kafka',
          metricName: 'KafkaDataLogsDiskUsed',
          dimensions,
          comparison: 'GreaterThanThreshold',
          threshold: 80,
          statistic: 'Maximum',
        }),
      );
    }
  }

  /** Lets `sg` connect on 9098 (TLS with IAM). `id` names the rule and must be unique in this construct. */
  allowFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule {
    return this.clientAccess.allowPort(sg, id, KAFKA_IAM_TLS_PORT, KAFKA_IAM_TLS_LABEL);
  }

  /** Lets `sg` (a Prometheus) scrape the JMX and node exporters on 11001–11002. */
  allowPrometheusFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule[] {
    return Object.entries(KAFKA_PROMETHEUS_PORTS).map(([label, port]) => this.clientAccess.allowPort(sg, id, port, label));
  }
}

import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { MqBroker } from '@cdktf/provider-aws/lib/mq-broker';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AlarmTopic } from './alarm-topic';
import { ClientAccess } from './client-access';
import { EncryptionKey } from './encryption-key';
import { GeneratedSecret } from './generated-secret';
import { Network } from './network';
import { preventDestroy, resourceName } from '../shared/protection';
import { SecurityGroupRef } from './security-group-ref';
import { suppress } from '../../policies/suppress';
import { checkProps } from '../shared/validation';
import { MqBrokerCustomerManagedKey } from '../../policies/rules/encryption-at-rest/MqBrokerCustomerManagedKey';
import { GeneratedSecretNotInState } from '../../policies/rules/encryption-at-rest/GeneratedSecretNotInState';

/** Why the broker's admin password is in state: AWS leaves no other way today. */
const BROKER_PASSWORD_IN_STATE =
  "aws_mq_broker's user password has no write-only argument in AWS provider 5.100, and Amazon MQ for RabbitMQ creates a broker only with a password user: " +
  'the value is in state on purpose; the state is remote and encrypted from scale on, and rotating the password in Secrets Manager and on the broker after the first apply takes it out of use';

/** Ports clients use: AMQP over TLS, and the management UI and HTTP API. */
export const RABBITMQ_PORTS = { amqps: 5671, management: 443 } as const;

/** RAM of the Amazon MQ instance types, GiB: the base of the default memory alarm. */
const INSTANCE_MEMORY_GIB: Readonly<Record<string, number>> = {
  'mq.t3.micro': 1,
  'mq.m5.large': 8,
  'mq.m5.xlarge': 16,
  'mq.m5.2xlarge': 32,
  'mq.m5.4xlarge': 64,
};

/**
 * Share of RAM at which RabbitMQ raises its memory alarm and blocks publishers
 * (`RabbitMQMemLimit`). Amazon MQ keeps RabbitMQ 3.13's default and does not let it be changed.
 */
const MEMORY_HIGH_WATERMARK = 0.4;

/** A weekly window in UTC. */
export interface MaintenanceWindow {
  readonly dayOfWeek: 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';
  /** Start, `HH:MM` in UTC. */
  readonly timeOfDay: string;
}

/** Props of a RabbitMqBroker. */
export interface RabbitMqBrokerProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  /** The broker goes into the network's data subnets. */
  readonly network: Network;
  /** Key for the admin password secret. */
  readonly encryptionKey: EncryptionKey;
  /** Topic the broker's alarms notify. */
  readonly alarms: AlarmTopic;
  /** One broker in one zone, or a three-node cluster over three zones. */
  readonly deployment: 'single' | 'cluster';
  /** Broker instance type. @default "mq.m5.large" */
  readonly instanceType?: string;
  /** When Amazon MQ may patch the broker. @default Sunday 03:00 UTC */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Memory used per node above which the memory alarm fires; required for types other than
   * mq.t3.micro and mq.m5.*. @default 80% of RabbitMQMemLimit (40% of RAM): 2.56 GiB on mq.m5.large
   */
  readonly memoryAlarmBytes?: number;
  /** Messages waiting (ready + unacknowledged) above which the queue-depth alarm fires. @default 100000 */
  readonly queueDepthAlarm?: number;
  /**
   * Security groups allowed to connect on 5671 and 443; rules are keyed by position.
   * Groups that exist only later are added with `allowFrom`. @default none
   */
  readonly clientSecurityGroups?: readonly SecurityGroupRef[];
}

/**
 * Amazon MQ for RabbitMQ 3.13 in the data subnets behind its own security group: private,
 * TLS only (AMQPS and HTTPS), general logs on, minor versions applied automatically, and an
 * admin user whose password is generated into Secrets Manager.
 */
export class RabbitMqBroker extends Construct {
  readonly broker: MqBroker;
  readonly securityGroup: SecurityGroup;
  readonly ingressRules: VpcSecurityGroupIngressRule[];
  /** Password of `adminUsername`, generated at apply time and kept in Secrets Manager. */
  readonly adminPassword: GeneratedSecret;
  readonly adminUsername = 'stagecraft-admin';
  /** The broker's name: the `Broker` dimension of its CloudWatch metrics. */
  readonly brokerName: string;
  readonly metricAlarms: CloudwatchMetricAlarm[] = [];
  readonly port = RABBITMQ_PORTS.amqps;

  private readonly clientAccess: ClientAccess;

  constructor(scope: Construct, id: string, props: RabbitMqBrokerProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? 'mq.m5.large';
    const maintenanceWindow = props.maintenanceWindow ?? { dayOfWeek: 'SUNDAY', timeOfDay: '03:00' };
    const memoryGiB = INSTANCE_MEMORY_GIB[instanceType];
    const memoryAlarmBytes = props.memoryAlarmBytes ?? (memoryGiB === undefined ? undefined : Math.round(0.8 * MEMORY_HIGH_WATERMARK * memoryGiB * 1024 ** 3));
    const queueDepthAlarm = props.queueDepthAlarm ?? 100_000;
    const cluster = props.deployment === 'cluster';
    const zones = props.network.dataSubnets.length;

    checkProps(this, [
      {
        failed: cluster && zones < 3,
        message: `deployment: "cluster" (CLUSTER_MULTI_AZ) puts one node in each of 3 availability zones; the network has ${zones}. Use "single" or a network with 3 zones`,
      },
      {
        failed: cluster && instanceType === 'mq.t3.micro',
        message: 'instanceType: "mq.t3.micro" runs single-instance brokers only; use mq.m5.large or larger for "cluster"',
      },
      {
        failed: memoryAlarmBytes === undefined,
        message: `memoryAlarmBytes: required for instance type "${instanceType}", whose memory is not known here (known: ${Object.keys(INSTANCE_MEMORY_GIB).join(', ')})`,
      },
      {
        failed: !/^([01]\d|2[0-3]):[0-5]\d$/.test(maintenanceWindow.timeOfDay),
        message: `maintenanceWindow.timeOfDay: must be HH:MM in UTC (e.g. "03:00"), got "${maintenanceWindow.timeOfDay}"`,
      },
    ]);

    const name = resourceName(props.namePrefix, 'rabbitmq', 50);
    this.brokerName = name;

    this.clientAccess = new ClientAccess(this, {
      name,
      service: 'RabbitMQ',
      network: props.network,
      clientPorts: RABBITMQ_PORTS,
      clientSecurityGroups: props.clientSecurityGroups,
    });
    this.securityGroup = this.clientAccess.securityGroup;
    this.ingressRules = this.clientAccess.ingressRules;

    this.adminPassword = new GeneratedSecret(this, 'admin-password', {
      name: `${name}/admin-password`,
      description: `Password of ${this.adminUsername} on the ${name} broker`,
      encryptionKey: props.encryptionKey,
      // aws_mq_broker's user password has no write-only form, and Amazon MQ for RabbitMQ needs a
      // password user at creation: the value is in state on purpose (docs/data-protection.md).
      readableInTerraform: true,
    });
    suppress(this.adminPassword.version, GeneratedSecretNotInState, BROKER_PASSWORD_IN_STATE);

    const subnets = props.network.dataSubnets.slice(0, cluster ? 3 : 1);
    this.broker = preventDestroy(
      new MqBroker(this, 'broker', {
        brokerName: name,
        engineType: 'RabbitMQ',
        engineVersion: '3.13',
        // 3.13 is a minor-version line: Amazon MQ requires automatic minor upgrades on it.
        autoMinorVersionUpgrade: true,
        hostInstanceType: instanceType,
        deploymentMode: cluster ? 'CLUSTER_MULTI_AZ' : 'SINGLE_INSTANCE',
        subnetIds: subnets.map((s) => s.id),
        securityGroups: [this.securityGroup.id],
        publiclyAccessible: false,
        // RabbitMQ brokers do not support customer managed KMS keys; data at rest is
        // encrypted with a key AWS owns. (Audit logs are ActiveMQ-only, hence general only.)
        encryptionOptions: { useAwsOwnedKey: true },
        logs: { general: true },
        maintenanceWindowStartTime: { ...maintenanceWindow, timeZone: 'UTC' },
        user: [{ username: this.adminUsername, password: this.adminPassword.value }],
        tags: { Name: name },
      }),
    );
    suppress(
      this.broker,
      MqBrokerCustomerManagedKey,
      'Amazon MQ for RabbitMQ does not support customer-managed KMS keys; its data at rest is encrypted with an AWS-owned key',
    );
    suppress(this.broker, GeneratedSecretNotInState, BROKER_PASSWORD_IN_STATE);

    // With the Broker dimension alone, a cluster reports node metrics summed over its
    // three nodes, so per-node thresholds are multiplied by the node count.
    const nodes = cluster ? 3 : 1;
    const alarm = (alarmId: string, metricName: string, threshold: number, description: string) =>
      this.metricAlarms.push(
        props.alarms.alarm(this, alarmId, {
          alarmName: `${name}-${alarmId}`,
          description,
          namespace: 'AWS/AmazonMQ',
          metricName,
          dimensions: { Broker: name },
          comparison: 'GreaterThanThreshold',
          threshold,
          statistic: 'Maximum',
        }),
      );
    alarm('cpu', 'SystemCpuUtilization', 80 * nodes, `RabbitMQ ${name} CPU above 80% per node.`);
    alarm(
      'memory',
      'RabbitMQMemUsed',
      (memoryAlarmBytes ?? 0) * nodes,
      `RabbitMQ ${name} uses more than ${memoryAlarmBytes} bytes of memory per node; at RabbitMQMemLimit it blocks publishers.`,
    );
    alarm(
      'queue-depth',
      'MessageCount',
      queueDepthAlarm,
      `RabbitMQ ${name} holds more than ${queueDepthAlarm} messages: consumers are falling behind; add workers.`,
    );
  }

  /** Lets `sg` connect on 5671 (AMQPS) and 443 (management). `id` names the rules and must be unique in this construct. */
  allowFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule[] {
    return this.clientAccess.allowFrom(sg, id);
  }
}

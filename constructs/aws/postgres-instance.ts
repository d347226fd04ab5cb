import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup, DbParameterGroupParameter } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AlarmTopic } from './alarm-topic';
import { ClientAccess } from './client-access';
import { encryptedLogGroup } from './encrypted-log-group';
import { EncryptionKey } from './encryption-key';
import { Network } from './network';
import { preventDestroy, resourceName } from '../shared/protection';
import { EXPECTED_FAILOVER, FAILOVER_TAG } from '../shared/failover';
import { rdsInstanceAlarms, rdsReplicaLagAlarm } from './rds-alarms';
import { SecurityGroupRef } from './security-group-ref';
import { checkProps } from '../shared/validation';
import { creationStamp } from '../shared/creation-stamp';
import { dbInstanceMasterSecret, ServiceManagedSecret } from '../shared/arn';

export const POSTGRES_PORT = 5432;

/**
 * Parameters every PostgreSQL this project runs gets, RDS or Aurora. `rds.force_ssl` is
 * static on older families, so it is applied on reboot; it is in place from creation either way.
 */
export const POSTGRES_PARAMETERS: readonly DbParameterGroupParameter[] = [
  { name: 'rds.force_ssl', value: '1', applyMethod: 'pending-reboot' },
  { name: 'log_min_duration_statement', value: '1000' },
];

/** The major version of `16` or `16.6`, or undefined when the text is not a PostgreSQL version. */
export function postgresMajorVersion(engineVersion: string): string | undefined {
  return /^(\d{2})(\.\d{1,2})?$/.exec(engineVersion)?.[1];
}

/** Props of a PostgresInstance. */
export interface PostgresInstanceProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  /** The database goes into the network's data subnets. */
  readonly network: Network;
  /** Key for storage, the master password secret, Performance Insights and logs. */
  readonly encryptionKey: EncryptionKey;
  /** Topic the database's alarms notify. */
  readonly alarms: AlarmTopic;
  /**
   * PostgreSQL version, `16.6` or `16`; the major picks the parameter group family. Minor
   * upgrades are automatic, so a pinned minor shows a diff once AWS has upgraded past it.
   */
  readonly engineVersion: string;
  /** Instance class of the primary and every replica, e.g. `db.r7g.large`. */
  readonly instanceClass: string;
  /** Storage allocated at creation (gp3). */
  readonly storageGiB: number;
  /** Storage autoscaling ceiling. @default 4 × storageGiB */
  readonly maxStorageGiB?: number;
  /** A synchronous standby in another zone for the primary. @default true */
  readonly multiAz?: boolean;
  /** Asynchronous read replicas of the primary. @default 0 */
  readonly readReplicas?: number;
  /** Days automated backups are kept (1–35). @default 7 */
  readonly backupRetentionDays?: number;
  /** Performance Insights (7 days, free tier) on every instance. @default true */
  readonly performanceInsights?: boolean;
  /** An instance alarms when its FreeableMemory drops below this. @default 256 MiB */
  readonly freeableMemoryAlarmBytes?: number;
  /** Days the exported PostgreSQL logs are kept. @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Security groups allowed to connect on 5432; rules are keyed by position. Groups that
   * exist only later are added with `allowFrom`. @default none
   */
  readonly clientSecurityGroups?: readonly SecurityGroupRef[];
  /**
   * Make this region's "primary" a cross-region read replica of another region's primary
   * (active-passive regions, docs/components.md): it streams the writer's WAL, takes no writes,
   * and becomes a writer when promoted. Engine, version, storage and the master user come from
   * the source. @default a writer of its own
   */
  readonly standbyOf?: { readonly sourceArn: string };
}

/**
 * An RDS for PostgreSQL primary with optional read replicas, in the data subnets behind
 * its own security group. Encrypted, TLS-only, IAM auth on, the master password managed by
 * RDS in Secrets Manager, and protected from deletion by AWS and by Terraform.
 */
export class PostgresInstance extends Construct {
  readonly primary: DbInstance;
  readonly replicas: DbInstance[] = [];
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: DbSubnetGroup;
  readonly parameterGroup: DbParameterGroup;
  readonly logGroups: CloudwatchLogGroup[] = [];
  readonly ingressRules: VpcSecurityGroupIngressRule[];
  readonly metricAlarms: CloudwatchMetricAlarm[] = [];
  /** Host name of the primary. */
  readonly endpoint: string;
  /** Host names of the replicas, in order. */
  readonly replicaEndpoints: string[];
  readonly port = POSTGRES_PORT;
  /**
   * The master user secret RDS creates and rotates, for IAM policies: its name is generated, so a
   * policy grants it by the `rds!db-*` pattern and the instance-ARN tag RDS sets (known at plan
   * time, unlike `primary.masterUserSecret`). Undefined for a standby, which has no master user.
   */
  readonly masterSecret?: ServiceManagedSecret;

  private readonly clientAccess: ClientAccess;

  constructor(scope: Construct, id: string, props: PostgresInstanceProps) {
    super(scope, id);
    const maxStorageGiB = props.maxStorageGiB ?? 4 * props.storageGiB;
    const multiAz = props.multiAz ?? true;
    const readReplicas = props.readReplicas ?? 0;
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const performanceInsights = props.performanceInsights ?? true;
    const freeableMemoryAlarmBytes = props.freeableMemoryAlarmBytes ?? 256 * 1024 * 1024;
    const logRetentionDays = props.logRetentionDays ?? 30;
    const major = postgresMajorVersion(props.engineVersion);

    checkProps(this, [
      { failed: major === undefined, message: `engineVersion: "${props.engineVersion}" is not a PostgreSQL version (e.g. "16.6" or "16")` },
      { failed: !(props.storageGiB >= 20 && props.storageGiB <= 65536), message: `storageGiB: must be 20–65536 (gp3), got ${props.storageGiB}` },
      {
        failed: !(maxStorageGiB >= props.storageGiB && maxStorageGiB <= 65536),
        message: `maxStorageGiB: must be storageGiB (${props.storageGiB})–65536, got ${maxStorageGiB}`,
      },
      {
        failed: !(Number.isInteger(readReplicas) && readReplicas >= 0 && readReplicas <= 15),
        message: `readReplicas: must be a whole number 0–15, got ${readReplicas}`,
      },
      {
        failed: !(Number.isInteger(backupRetentionDays) && backupRetentionDays >= 1 && backupRetentionDays <= 35),
        message: `backupRetentionDays: must be 1–35, got ${backupRetentionDays}`,
      },
    ]);

    const name = resourceName(props.namePrefix, 'postgres').toLowerCase();
    this.masterSecret = props.standbyOf ? undefined : dbInstanceMasterSecret(props.encryptionKey, name);

    this.clientAccess = new ClientAccess(this, {
      name,
      service: 'PostgreSQL',
      network: props.network,
      clientPorts: POSTGRES_PORT,
      clientSecurityGroups: props.clientSecurityGroups,
    });
    this.securityGroup = this.clientAccess.securityGroup;
    this.ingressRules = this.clientAccess.ingressRules;

    this.subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
      name,
      description: 'PostgreSQL in the data subnets',
      subnetIds: props.network.dataSubnets.map((s) => s.id),
    });

    // The family is in the name: a major upgrade creates the new group before the old goes.
    // A prefix, not a name: AWS appends a unique suffix, so the replacement can exist beside the old group (review D5).
    this.parameterGroup = new DbParameterGroup(this, 'parameter-group', {
      namePrefix: `${name}${major}-`,
      family: `postgres${major}`,
      description: 'TLS only; logs statements slower than 1 s',
      parameter: [...POSTGRES_PARAMETERS],
      lifecycle: { createBeforeDestroy: true },
    });

    const common = {
      instanceClass: props.instanceClass,
      maxAllocatedStorage: maxStorageGiB,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: props.encryptionKey.arn,
      parameterGroupName: this.parameterGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: false,
      port: POSTGRES_PORT,
      autoMinorVersionUpgrade: true,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: ['postgresql', 'upgrade'],
      backupRetentionPeriod: backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      // Automated backups outlive the instance, for the restores deletion makes necessary.
      deleteAutomatedBackups: false,
      performanceInsightsEnabled: performanceInsights,
      performanceInsightsKmsKeyId: performanceInsights ? props.encryptionKey.arn : undefined,
      performanceInsightsRetentionPeriod: performanceInsights ? 7 : undefined,
    };

    const standby = props.standbyOf;
    this.primary = preventDestroy(
      standby
        ? new DbInstance(this, 'primary', {
            ...common,
            identifier: name,
            replicateSourceDb: standby.sourceArn,
            // The source's size, stated so a promoted standby keeps it and the cost estimate can read it.
            allocatedStorage: props.storageGiB,
            multiAz,
            dbSubnetGroupName: this.subnetGroup.name,
            // A promoted standby keeps its own backups; a replica cannot take a final snapshot.
            skipFinalSnapshot: true,
            dependsOn: this.createLogGroups('primary', name, props.encryptionKey, logRetentionDays),
            // Promotion (the failover) clears the source; Terraform must not ask to make it a replica again.
            lifecycle: { ignoreChanges: ['replicate_source_db'] },
          })
        : new DbInstance(this, 'primary', {
            ...common,
            identifier: name,
            engine: 'postgres',
            // The major only: with automatic minor upgrades AWS picks the minor (engine_version_actual),
            // and a pinned minor would ask to downgrade after the first upgrade (review D1).
            engineVersion: major,
            allocatedStorage: props.storageGiB,
            multiAz,
            dbSubnetGroupName: this.subnetGroup.name,
            username: 'postgres',
            manageMasterUserPassword: true,
            masterUserSecretKmsKeyId: props.encryptionKey.arn,
            skipFinalSnapshot: false,
            // Stamped with the creation time: a recreated instance's snapshot does not collide with the last one's (review M8).
            finalSnapshotIdentifier: `${name}-final-${creationStamp(this)}`,
            dependsOn: this.createLogGroups('primary', name, props.encryptionKey, logRetentionDays),
            tags: multiAz ? { [FAILOVER_TAG]: EXPECTED_FAILOVER.rdsMultiAz } : undefined,
          }),
    );
    const instanceAlarms = (id: string, identifier: string) =>
      this.metricAlarms.push(...rdsInstanceAlarms(this, props.alarms, id, { identifier, engine: 'PostgreSQL', freeableMemoryBytes: freeableMemoryAlarmBytes }));
    instanceAlarms('primary', name);

    for (let i = 0; i < readReplicas; i++) {
      const replicaName = resourceName(name, `replica-${i}`);
      const replica = preventDestroy(
        new DbInstance(this, `replica-${i}`, {
          ...common,
          identifier: replicaName,
          // Engine, version, storage, subnet group and credentials come from the source.
          replicateSourceDb: this.primary.identifier,
          // RDS refuses a final snapshot of a read replica; the primary's backups hold the data.
          skipFinalSnapshot: true,
          dependsOn: this.createLogGroups(`replica-${i}`, replicaName, props.encryptionKey, logRetentionDays),
        }),
      );
      this.replicas.push(replica);
      instanceAlarms(`replica-${i}`, replicaName);
      this.metricAlarms.push(
        rdsReplicaLagAlarm(this, props.alarms, `replica-${i}`, {
          identifier: replicaName,
          metricName: 'ReplicaLag',
          threshold: 1,
          description: `Read replica ${replicaName} is more than 1 s behind the primary.`,
        }),
      );
    }

    this.endpoint = this.primary.address;
    this.replicaEndpoints = this.replicas.map((r) => r.address);
  }

  /** Lets `sg` connect on 5432. `id` names the rule and must be unique in this construct. */
  allowFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule {
    return this.clientAccess.allowPort(sg, id, POSTGRES_PORT);
  }

  // RDS would create these itself, unencrypted and kept forever; statements in them can hold data.
  private createLogGroups(id: string, identifier: string, key: EncryptionKey, retentionDays: number): CloudwatchLogGroup[] {
    const groups = ['postgresql', 'upgrade'].map((log) =>
      encryptedLogGroup(this, `${id}-log-${log}`, { name: `/aws/rds/instance/${identifier}/${log}`, retentionDays, encryptionKey: key }),
    );
    this.logGroups.push(...groups);
    return groups;
  }
}

import { Construct } from 'constructs';
import { Fn, TerraformLocal } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { RdsCluster, RdsClusterConfig } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AlarmTopic } from './alarm-topic';
import { ClientAccess } from './client-access';
import { encryptedLogGroup } from './encrypted-log-group';
import { EncryptionKey } from './encryption-key';
import { GeneratedSecret, GeneratedSecretProps } from './generated-secret';
import { Network } from './network';
import { POSTGRES_PARAMETERS, POSTGRES_PORT, postgresMajorVersion } from './postgres-instance';
import { preventDestroy, resourceName } from '../shared/protection';
import { EXPECTED_FAILOVER, FAILOVER_TAG } from '../shared/failover';
import { rdsInstanceAlarms, rdsReplicaLagAlarm } from './rds-alarms';
import { SecurityGroupRef } from './security-group-ref';
import { TargetTrackingScaling } from './target-tracking-scaling';
import { checkProps } from '../shared/validation';
import { creationStamp } from '../shared/creation-stamp';
import { dbClusterMasterSecret, ServiceManagedSecret } from '../shared/arn';

const ENGINE = 'aurora-postgresql';
const MASTER_USERNAME = 'postgres';

/** Aurora's limit of readers in one cluster. */
const MAX_READERS = 15;

/**
 * Readers added and removed by Application Auto Scaling to keep their average CPU at a
 * target. The floor is the cluster's fixed readers (`readReplicas`): the autoscaler removes
 * only readers it added, and readers it adds are not in Terraform's state.
 */
export interface ReaderAutoscaling {
  /** Most readers, fixed ones included (≤ 15). */
  readonly maxReaders: number;
  /** Average reader CPU to keep, percent. */
  readonly targetCpuPercent: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
}

/** Props of an AuroraPostgres cluster. */
export interface AuroraPostgresProps {
  /** Prefix of every name, `<env>-<region>`. */
  readonly namePrefix: string;
  /** Suffix of every name, unique in the region: `postgres`, or `shard-3` for one shard of several. */
  readonly clusterName: string;
  /** The cluster goes into the network's data subnets. */
  readonly network: Network;
  /** Key for storage, the master password secret, Performance Insights and logs. */
  readonly encryptionKey: EncryptionKey;
  /** Topic the cluster's alarms notify. */
  readonly alarms: AlarmTopic;
  /**
   * Aurora PostgreSQL version, e.g. `16.6`; the major picks the parameter group family.
   * Minor upgrades are automatic, so a pinned minor shows a diff once AWS has upgraded past it.
   */
  readonly engineVersion: string;
  /** Instance class of the writer and every reader, e.g. `db.r7g.large`. */
  readonly instanceClass: string;
  /** Readers besides the writer; they are also its failover targets. @default 1 */
  readonly readReplicas?: number;
  /** Days automated backups are kept (1–35). @default 7 */
  readonly backupRetentionDays?: number;
  /** Performance Insights (7 days, free tier) on every instance. @default true */
  readonly performanceInsights?: boolean;
  /** An instance alarms when its FreeableMemory drops below this. @default 256 MiB */
  readonly freeableMemoryAlarmBytes?: number;
  /** Days the exported PostgreSQL log is kept. @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Security groups allowed to connect on 5432; rules are keyed by position. Groups that
   * exist only later are added with `allowFrom`. @default none
   */
  readonly clientSecurityGroups?: readonly SecurityGroupRef[];
  /** Reader autoscaling above the fixed readers (needs at least one). @default the readers stay as built */
  readonly readerAutoscaling?: ReaderAutoscaling;
  /**
   * Membership of an Aurora Global Database (active-passive regions, docs/components.md): the
   * primary region creates the global cluster and writes; a secondary joins it read-only, with
   * no master user of its own, and is promoted by a managed failover. @default a regional cluster
   */
  readonly global?: AuroraGlobalMembership;
  /**
   * Where a global primary's master password is kept. RDS cannot manage the master password of a
   * cluster in an Aurora Global Database (Aurora User Guide, "Password management with Amazon
   * Aurora and AWS Secrets Manager", Limitations), so the primary's is generated at apply and
   * written through write-only arguments to the cluster and to this secret. Required for a global
   * primary; not used elsewhere. @default RDS manages the master password (not a global primary)
   */
  readonly masterSecret?: AuroraMasterSecret;
}

/** The Secrets Manager secret of a global primary's generated master password. */
export interface AuroraMasterSecret {
  /** Secrets Manager name, e.g. `acme-prod/us-east-1/aurora-shard-3-master`. */
  readonly name: string;
  /** Regions that keep a read-only replica of it (the standby regions, for a failover). @default none */
  readonly replicaRegions?: GeneratedSecretProps['replicaRegions'];
  /**
   * Version of the password (`master_password_wo_version` and the secret's
   * `secret_string_wo_version`): raising it writes a new password to the cluster and the secret
   * in the same apply, which is how it is rotated, or realigned after an apply that wrote one of
   * the two and failed before the other. @default 1
   */
  readonly version?: number;
}

/** Where a cluster's master user and password are read from, for the database-users Job. */
export interface AuroraMasterCredentials {
  /** The secret's ARN (JSON with `username` and `password`), known after apply. */
  readonly arn: string;
  /** The secret in IAM policies, known at plan time where the construct can say it. */
  readonly policyArn: string;
}

/** Which side of an Aurora Global Database a cluster is. */
export interface AuroraGlobalMembership {
  /** The global cluster's identifier, the same in every region. */
  readonly identifier: string;
  readonly role: 'primary' | 'secondary';
}

/**
 * An Aurora PostgreSQL cluster: one writer and `readReplicas` readers, spread over the
 * data subnets' zones by AWS. Same safety as PostgresInstance: encrypted, TLS-only, IAM auth,
 * the master password managed by RDS (generated into a secret of its own on a global primary,
 * `masterSecret`), final snapshot, protected from deletion.
 */
export class AuroraPostgres extends Construct {
  readonly cluster: RdsCluster;
  /** The Aurora Global Database, in its primary region. */
  readonly globalCluster?: RdsGlobalCluster;
  readonly writer: RdsClusterInstance;
  readonly readers: RdsClusterInstance[] = [];
  readonly securityGroup: SecurityGroup;
  readonly subnetGroup: DbSubnetGroup;
  readonly parameterGroup: RdsClusterParameterGroup;
  readonly logGroup: CloudwatchLogGroup;
  readonly ingressRules: VpcSecurityGroupIngressRule[];
  readonly metricAlarms: CloudwatchMetricAlarm[] = [];
  /** The reader autoscaling target and policy, when `readerAutoscaling` is given. */
  readonly readerScaling?: TargetTrackingScaling;
  /** The cluster (writer) endpoint. */
  readonly endpoint: string;
  /** Where the master user's credentials are read; absent on a global secondary, which has none. */
  readonly master?: AuroraMasterCredentials;
  /** The generated master password's secret, on a global primary. */
  readonly masterSecret?: GeneratedSecret;
  /** The endpoint that balances over the readers. */
  readonly readerEndpoint: string;
  readonly port = POSTGRES_PORT;
  /**
   * The master user secret RDS creates and rotates, for IAM policies: granted by the
   * `rds!cluster-*` pattern and the cluster-ARN tag RDS sets (known at plan time, unlike
   * `cluster.masterUserSecret`). Undefined for a global database's members: a secondary has no master
   * user, and a primary's password is generated (`masterSecret`).
   */
  readonly managedMasterSecret?: ServiceManagedSecret;

  private readonly clientAccess: ClientAccess;

  constructor(scope: Construct, id: string, props: AuroraPostgresProps) {
    super(scope, id);
    const readReplicas = props.readReplicas ?? 1;
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    const performanceInsights = props.performanceInsights ?? true;
    const freeableMemoryAlarmBytes = props.freeableMemoryAlarmBytes ?? 256 * 1024 * 1024;
    const logRetentionDays = props.logRetentionDays ?? 30;
    const major = postgresMajorVersion(props.engineVersion);

    checkProps(this, [
      { failed: major === undefined, message: `engineVersion: "${props.engineVersion}" is not a PostgreSQL version (e.g. "16.6" or "16")` },
      {
        failed: !/^[a-z][a-z0-9-]*$/.test(props.clusterName),
        message: `clusterName: must be lowercase letters, digits and hyphens, starting with a letter, got "${props.clusterName}"`,
      },
      {
        failed: !(Number.isInteger(readReplicas) && readReplicas >= 0 && readReplicas <= MAX_READERS),
        message: `readReplicas: must be a whole number 0–${MAX_READERS}, got ${readReplicas}`,
      },
      {
        failed: props.readerAutoscaling !== undefined && readReplicas < 1,
        message: 'readerAutoscaling: needs at least one fixed reader (readReplicas ≥ 1), the floor the autoscaler keeps, got 0',
      },
      {
        failed:
          props.readerAutoscaling !== undefined && !(props.readerAutoscaling.maxReaders >= readReplicas && props.readerAutoscaling.maxReaders <= MAX_READERS),
        message: `readerAutoscaling.maxReaders: must be ${readReplicas}–${MAX_READERS} (the fixed readers to Aurora's limit), got ${props.readerAutoscaling?.maxReaders}`,
      },
      {
        failed: !(Number.isInteger(backupRetentionDays) && backupRetentionDays >= 1 && backupRetentionDays <= 35),
        message: `backupRetentionDays: must be 1–35, got ${backupRetentionDays}`,
      },
      {
        failed: props.global?.role === 'primary' && props.masterSecret === undefined,
        message: 'masterSecret: a global primary needs one (RDS cannot manage the master password in an Aurora Global Database), got none',
      },
    ]);

    const name = resourceName(props.namePrefix, props.clusterName).toLowerCase();

    this.clientAccess = new ClientAccess(this, {
      name,
      service: 'PostgreSQL',
      groupDescription: 'Aurora PostgreSQL: clients by security group only',
      network: props.network,
      clientPorts: POSTGRES_PORT,
      clientSecurityGroups: props.clientSecurityGroups,
    });
    this.securityGroup = this.clientAccess.securityGroup;
    this.ingressRules = this.clientAccess.ingressRules;

    this.subnetGroup = new DbSubnetGroup(this, 'subnet-group', {
      name,
      description: 'Aurora PostgreSQL in the data subnets',
      subnetIds: props.network.dataSubnets.map((s) => s.id),
    });

    // The family is in the name: a major upgrade creates the new group before the old goes.
    // A prefix, not a name: AWS appends a unique suffix, so the replacement can exist beside the old group (review D5).
    this.parameterGroup = new RdsClusterParameterGroup(this, 'parameter-group', {
      namePrefix: `${name}-pg${major}-`,
      family: `aurora-postgresql${major}`,
      description: 'TLS only; logs statements slower than 1 s',
      parameter: [...POSTGRES_PARAMETERS],
      lifecycle: { createBeforeDestroy: true },
    });

    // Aurora would create it itself, unencrypted and kept forever; statements in it can hold data.
    this.logGroup = encryptedLogGroup(this, 'log-postgresql', {
      name: `/aws/rds/cluster/${name}/postgresql`,
      retentionDays: logRetentionDays,
      encryptionKey: props.encryptionKey,
    });

    const global = props.global;
    if (global?.role === 'primary') {
      this.globalCluster = new RdsGlobalCluster(this, 'global-cluster', {
        globalClusterIdentifier: global.identifier,
        engine: ENGINE,
        engineVersion: props.engineVersion,
        storageEncrypted: true,
        deletionProtection: true,
        lifecycle: { ignoreChanges: ['engine_version'] },
      });
    }
    // A secondary has no master user: the global cluster's writer holds it, and replicates it.
    // A global primary's password cannot be RDS-managed: one value, generated once per apply in a
    // local, goes write-only to the cluster and to the secret, so neither plan nor state holds it.
    let credentials: Partial<
      Pick<RdsClusterConfig, 'masterUsername' | 'manageMasterUserPassword' | 'masterUserSecretKmsKeyId' | 'masterPasswordWo' | 'masterPasswordWoVersion'>
    > = {};
    const masterSecret = global?.role === 'primary' ? props.masterSecret : undefined;
    if (masterSecret) {
      const version = masterSecret.version ?? 1;
      const password = new TerraformLocal(this, 'master-password', Fn.replace(Fn.uuid(), '-', ''));
      this.masterSecret = new GeneratedSecret(this, 'master-secret', {
        name: masterSecret.name,
        description: `${name}: master user of the global database's primary (RDS cannot manage it in a global database)`,
        encryptionKey: props.encryptionKey,
        replicaRegions: masterSecret.replicaRegions,
        valueVersion: version,
        // The shape of an RDS-managed secret, which the database-users Job reads.
        valueExpression: Fn.jsonencode({ username: MASTER_USERNAME, password: password.asString }),
      });
      credentials = { masterUsername: MASTER_USERNAME, masterPasswordWo: password.asString, masterPasswordWoVersion: version };
    } else if (global?.role !== 'secondary') {
      credentials = { masterUsername: MASTER_USERNAME, manageMasterUserPassword: true, masterUserSecretKmsKeyId: props.encryptionKey.arn };
      this.managedMasterSecret = dbClusterMasterSecret(props.encryptionKey, name);
    }
    this.cluster = preventDestroy(
      new RdsCluster(this, 'cluster', {
        clusterIdentifier: name,
        ...(global
          ? {
              globalClusterIdentifier: global.identifier,
              // The password is in its secret before any cluster has it.
              dependsOn: [this.logGroup, ...(this.globalCluster ? [this.globalCluster] : []), ...(this.masterSecret ? [this.masterSecret.version] : [])],
            }
          : {}),
        tags: { [FAILOVER_TAG]: EXPECTED_FAILOVER.aurora },
        engine: ENGINE,
        engineVersion: props.engineVersion,
        dbClusterParameterGroupName: this.parameterGroup.name,
        dbSubnetGroupName: this.subnetGroup.name,
        vpcSecurityGroupIds: [this.securityGroup.id],
        port: POSTGRES_PORT,
        storageEncrypted: true,
        kmsKeyId: props.encryptionKey.arn,
        ...credentials,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ['postgresql'],
        backupRetentionPeriod: backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: true,
        skipFinalSnapshot: false,
        // Stamped with the creation time: a recreated cluster's snapshot does not collide with the last one's (review M8).
        finalSnapshotIdentifier: `${name}-final-${creationStamp(this)}`,
        // Automated backups outlive the cluster, for the restores deletion makes necessary.
        deleteAutomatedBackups: false,
        ...(global ? {} : { dependsOn: [this.logGroup] }),
        // Automatic minor upgrades move the cluster past the pinned minor; Terraform must not ask
        // to go back (review D1). A major upgrade is a deliberate replacement of the version.
        // A managed failover of a global database swaps which cluster replicates from which.
        lifecycle: { ignoreChanges: global ? ['engine_version', 'replication_source_identifier', 'global_cluster_identifier'] : ['engine_version'] },
      }),
    );

    const instance = (instanceId: string, identifier: string, promotionTier: number, dependsOn?: RdsClusterInstance[]) =>
      preventDestroy(
        new RdsClusterInstance(this, instanceId, {
          identifier,
          clusterIdentifier: this.cluster.id,
          engine: ENGINE,
          engineVersion: this.cluster.engineVersion,
          instanceClass: props.instanceClass,
          dbSubnetGroupName: this.subnetGroup.name,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          copyTagsToSnapshot: true,
          promotionTier,
          performanceInsightsEnabled: performanceInsights,
          performanceInsightsKmsKeyId: performanceInsights ? props.encryptionKey.arn : undefined,
          performanceInsightsRetentionPeriod: performanceInsights ? 7 : undefined,
          dependsOn,
        }),
      );

    const instanceAlarms = (id: string, identifier: string) =>
      this.metricAlarms.push(
        ...rdsInstanceAlarms(this, props.alarms, id, { identifier, engine: 'Aurora PostgreSQL', freeableMemoryBytes: freeableMemoryAlarmBytes }),
      );
    // Identifiers are numbered, not named by role: a failover swaps the roles.
    const writerName = resourceName(name, '0');
    this.writer = instance('writer', writerName, 0);
    instanceAlarms('writer', writerName);
    for (let i = 0; i < readReplicas; i++) {
      const readerName = resourceName(name, `${i + 1}`);
      // The first instance in a cluster becomes the writer, so readers wait for it.
      this.readers.push(instance(`reader-${i}`, readerName, 1, [this.writer]));
      instanceAlarms(`reader-${i}`, readerName);
      this.metricAlarms.push(
        rdsReplicaLagAlarm(this, props.alarms, `reader-${i}`, {
          identifier: readerName,
          metricName: 'AuroraReplicaLag',
          // AuroraReplicaLag is in milliseconds.
          threshold: 1000,
          description: `Aurora reader ${readerName} is more than 1 s behind the writer.`,
        }),
      );
    }

    const scaling = props.readerAutoscaling;
    if (scaling) {
      // Registered once every fixed reader exists: they are the floor (min capacity).
      this.readerScaling = new TargetTrackingScaling(this, 'reader-scaling', {
        policyName: `${name}-reader-cpu`,
        serviceNamespace: 'rds',
        resourceId: `cluster:${this.cluster.clusterIdentifier}`,
        scalableDimension: 'rds:cluster:ReadReplicaCount',
        minCapacity: readReplicas,
        maxCapacity: scaling.maxReaders,
        predefinedMetric: 'RDSReaderAverageCPUUtilization',
        targetPercent: scaling.targetCpuPercent,
        scaleOutCooldownSeconds: scaling.scaleOutCooldownSeconds,
        scaleInCooldownSeconds: scaling.scaleInCooldownSeconds,
        dependsOn: [this.writer, ...this.readers],
      });
    }

    if (this.masterSecret) this.master = { arn: this.masterSecret.secret.arn, policyArn: this.masterSecret.policyArn };
    else if (global?.role !== 'secondary') {
      const arn = this.cluster.masterUserSecret.get(0).secretArn;
      this.master = { arn, policyArn: arn };
    }
    this.endpoint = this.cluster.endpoint;
    this.readerEndpoint = this.cluster.readerEndpoint;
  }

  /** Lets `sg` connect on 5432. `id` names the rule and must be unique in this construct. */
  allowFrom(sg: SecurityGroupRef, id: string): VpcSecurityGroupIngressRule {
    return this.clientAccess.allowPort(sg, id, POSTGRES_PORT);
  }
}

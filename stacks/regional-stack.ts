/** `<env>-<region>`: all AWS infrastructure of one region, on the AWS provider alone. */
import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import type { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { Ec2ManagedPrefixList } from '@cdktf/provider-aws/lib/ec2-managed-prefix-list';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { allowedAccounts } from './aws-account';
import { CLOUDFLARE_IPV4_RANGES, ELB_LOG_DELIVERY_ACCOUNTS } from '../config/regions';
import { Environment, RegionPlacement } from '../config/environment';
import { AlarmTopic } from '../constructs/aws/alarm-topic';
import { BackupPlan } from '../constructs/aws/backup-plan';
import { DataBucket } from '../constructs/aws/data-bucket';
import { EksCluster } from '../constructs/aws/eks-cluster';
import { EncryptionKey } from '../constructs/aws/encryption-key';
import { Network } from '../constructs/aws/network';
import { LoadBalancer } from '../constructs/aws/load-balancer';
import type { ServiceRoute } from '../constructs/aws/service-routes';
import type { SearchDomain } from '../constructs/aws/search-domain';
import type { RabbitMqBroker } from '../constructs/aws/rabbitmq-broker';
import type { KafkaCluster } from '../constructs/aws/kafka-cluster';
import type { HostDatabaseAdmin } from '../services/host-database-users';
import type { PoolerTarget } from './pooler-target';
import { RestoreTestedType } from '../constructs/aws/restore-testing';
import { suppress } from '../policies/suppress';
import { Blueprint } from '../sizing/blueprint-types';
import { configureBackend, StateLocation } from './backend';
import { regionalStackName, secretReplicaKeyAlias } from './stack-names';
import { replicatesPrimaryDatabase } from './database-replication';
import { BACKUP_TAG } from '../constructs/aws/app-host';
import { DataStoreEndpoints } from '../constructs/shared/data-store-endpoints';
import { ServiceManagedSecret } from '../constructs/shared/arn';
import { S3BucketAccessLogging } from '../policies/rules/logging/S3BucketAccessLogging';
import { StatefulResourcesBackedUp } from '../policies/rules/deletion-protection-and-backups/StatefulResourcesBackedUp';
import { terraformLiterals } from '../synthesis/terraform-literal';
import { StagecraftStack } from './stagecraft-stack';

/** What every stage composer receives: the region's shared foundation. */
export interface RegionalFoundation {
  readonly environment: Environment;
  readonly blueprint: Blueprint;
  readonly region: RegionPlacement;
  /** `<env>-<region>`, the prefix of every name. */
  readonly namePrefix: string;
  readonly encryptionKey: EncryptionKey;
  readonly alarms: AlarmTopic;
  readonly network: Network;
  readonly assets: DataBucket;
  readonly logs: DataBucket;
  readonly backups: BackupPlan;
  /** Cloudflare's published ranges, the only sources allowed to reach web ports. */
  readonly cloudflarePrefixList: Ec2ManagedPrefixList;
}

/** What the edge stack needs from a region, filled in by the stage composer. */
export interface RegionalOrigin {
  /** Public IPs of application hosts (single-host stages). */
  readonly hostIps: string[];
  /**
   * ALB DNS name and ARN, a route per public service port and, where the environment gives the
   * zone's origin-pull CA, the mTLS trust store its HTTPS listener verifies clients with (cluster stages).
   */
  loadBalancer?: { readonly dnsName: string; readonly arn: string; readonly routes: readonly OriginRoute[]; readonly trustStoreArn?: string };
}

/** One public service port behind a region's ALB: the listener rule the edge stack adds for it. */
export type OriginRoute = ServiceRoute;

export interface RegionalStackProps {
  readonly environment: Environment;
  readonly blueprint: Blueprint;
  readonly region: RegionPlacement;
  readonly state: StateLocation;
}

export class RegionalStack extends StagecraftStack {
  readonly stackName: string;
  readonly foundation: RegionalFoundation;
  readonly origin: RegionalOrigin = { hostIps: [] };
  /** The data stores the composer built, as the services reach them (`constructs/shared/data-store-endpoints.ts`). */
  readonly dataStores: DataStoreEndpoints = {};
  /** The EKS cluster, on cluster stages (set by `composeClusterCompute`); the apps stack connects to it. */
  eks?: EksCluster;
  /** The region's ALB, on cluster stages (set by `composeClusterCompute`). */
  loadBalancer?: LoadBalancer;
  /** The region's OpenSearch domain and RabbitMQ broker, where the stage has them (their deploy-time Jobs need them). */
  searchDomain?: SearchDomain;
  rabbitMq?: RabbitMqBroker;
  /** The region's MSK cluster, where the stage has one (the kafka-topics Job creates its topics). */
  kafka?: KafkaCluster;
  /** The region's OpenTelemetry collector, on cluster stages (set by `addOperations`). */
  collector?: { readonly metricsLogGroupName?: string };
  /** Resource types whose backups the weekly restore test restores (the composers add theirs). */
  readonly restoreTested = new Set<RestoreTestedType>();
  /** Each product service's Pod Identity role ARN, by service (cluster stages; set by `addServiceIdentities`). */
  readonly serviceRoleArns = new Map<string, string>();
  /** PgBouncer in front of the region's Postgres (stacks/pooler.ts); absent without components.postgres.pooler. */
  pooler?: PoolerTarget;
  /**
   * Where the `database-users` Job creates the services' PostgreSQL users: each database's
   * writer and its master secret: the ARN the Job reads it by, and the grant its policy names it by
   * (known at plan time; cluster stages with RDS or Aurora; set by the data-store composers).
   */
  databaseAdmin?: {
    /**
     * `masterSecret`: a master secret RDS manages, granted by its name pattern and tag;
     * `masterSecretPolicyArn`: a generated one (a global primary's), by its ARN known at plan. @default masterSecretArn
     */
    readonly databases: ReadonlyArray<{
      readonly host: string;
      readonly masterSecretArn: string;
      readonly masterSecret?: ServiceManagedSecret;
      readonly masterSecretPolicyArn?: string;
    }>;
  };
  /** Single-host stages: where the `database-users` compose service creates the services' users, and the master secret it reads. */
  hostDatabaseAdmin?: { readonly admin: HostDatabaseAdmin; readonly masterSecretArn: string };
  /** The private zone of CockroachDB's join names, in a massive environment's first region; later regions associate with it. */
  cockroachJoinZone?: Route53Zone;

  constructor(scope: Construct, props: RegionalStackProps) {
    const { environment, region, blueprint } = props;
    const stackName = regionalStackName(environment.name, region.code);
    super(scope, stackName);
    this.stackName = stackName;
    configureBackend(this, stackName, environment.backend, props.state);
    new AwsProvider(this, 'aws', {
      region: region.code,
      ...allowedAccounts(environment),
      defaultTags: [{ tags: terraformLiterals({ ...environment.tags, 'stagecraft:region': region.code }) }],
    });

    const namePrefix = stackName;
    const isCluster = blueprint.cluster !== undefined;
    // A standby region reads the secrets the primary replicates to it under the primary's key here.
    const primary = environment.regions[0].code;
    const standby = replicatesPrimaryDatabase(blueprint, environment) && !region.primary;
    const encryptionKey = new EncryptionKey(this, 'kms', {
      alias: namePrefix,
      ...(standby ? { alsoCoveredAliases: [secretReplicaKeyAlias(environment.name, primary, region.code)] } : {}),
      description: `${namePrefix}: data at rest`,
      region: region.code,
      accountId: environment.awsAccountId,
    });
    const alarms = new AlarmTopic(this, 'alarms', {
      name: `${namePrefix}-alarms`,
      encryptionKey,
      emails: environment.alertEmails,
      pagerEndpoint: environment.pagerEndpoint,
    });
    const network = new Network(this, 'network', {
      namePrefix,
      region: region.code,
      cidr: region.vpcCidr,
      availabilityZoneIds: region.availabilityZoneIds,
      natGateways: environment.natGateways,
      encryptionKey,
      kubernetesClusterName: isCluster ? namePrefix : undefined,
    });

    // ALB access logs accept SSE-S3 only; this bucket holds logs, never product data.
    const logs = new DataBucket(this, 'logs', {
      bucketName: `${namePrefix}-logs`,
      nameSuffix: encryptionKey.accountId,
      encryption: 's3',
      tiering: { infrequentAccessAfterDays: 30, glacierAfterDays: 90, expireAfterDays: 365 },
    });
    grantLoadBalancerLogDelivery(logs, region.code);
    suppress(
      logs.bucket,
      S3BucketAccessLogging,
      'this is the access-log bucket every other bucket and the ALB log into; logging it into itself would log its own log deliveries without end',
    );
    suppress(
      logs.bucket,
      StatefulResourcesBackedUp,
      'access logs are records of requests, not product data: the bucket keeps them 365 days by lifecycle, and a backup of them would only double their cost',
    );
    const assets = new DataBucket(this, 'assets', {
      bucketName: `${namePrefix}-assets`,
      nameSuffix: encryptionKey.accountId,
      encryptionKey,
      accessLogBucket: logs,
      tiering: blueprint.storageTiering ? { intelligentTieringAfterDays: 0 } : undefined,
      // What the services store is product data: the tag puts it in the region's backup selection.
      tags: { [BACKUP_TAG.key]: BACKUP_TAG.value },
    });
    const backups = new BackupPlan(this, 'backups', {
      namePrefix,
      encryptionKey,
      retentionDays: blueprint.backupRetentionDays,
      selectionTag: BACKUP_TAG,
    });
    const cloudflarePrefixList = new Ec2ManagedPrefixList(this, 'cloudflare-ranges', {
      name: `${namePrefix}-cloudflare`,
      addressFamily: 'IPv4',
      maxEntries: CLOUDFLARE_IPV4_RANGES.length,
      entry: CLOUDFLARE_IPV4_RANGES.map((cidr) => ({ cidr, description: 'Cloudflare' })),
    });

    this.dataStores.objectStorage = {
      kind: 'objectStorage',
      engine: 'Amazon S3',
      port: 443,
      env: { ASSETS_BUCKET: assets.bucket.bucket },
      secretArns: [],
      bucketArns: [assets.arn, `${assets.arn}/*`],
    };
    this.foundation = { environment, blueprint, region, namePrefix, encryptionKey, alarms, network, assets, logs, backups, cloudflarePrefixList };
    new TerraformOutput(this, 'vpc_id', { value: network.vpc.id });
    new TerraformOutput(this, 'alarm_topic_arn', { value: alarms.topic.arn });
  }
}

function grantLoadBalancerLogDelivery(bucket: DataBucket, region: string): void {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
  const principal = account ? { AWS: `arn:aws:iam::${account}:root` } : { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' };
  bucket.addPolicyStatement({
    Sid: 'LoadBalancerAccessLogs',
    Effect: 'Allow',
    Principal: principal,
    Action: 's3:PutObject',
    Resource: `${bucket.arn}/alb/*`,
  });
}

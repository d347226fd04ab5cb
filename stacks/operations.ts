/**
 * What every regional stack gets once its stage composer has built it (issue 17, production
 * readiness): the region's dashboard, the SLO burn-rate alarms where a load balancer publishes
 * request metrics and the environment sets an `slo`, and the weekly restore test of what the
 * composer put in the backup vault. Runs after the composer because it reads what was built.
 */
import { RegionDashboard } from '../constructs/aws/region-dashboard';
import { RestoreTesting } from '../constructs/aws/restore-testing';
import { SloBurnAlarms } from '../constructs/aws/slo-burn-alarms';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CollectorIdentity } from '../constructs/aws/collector-identity';
import { ServiceIdentity } from '../constructs/aws/service-identity';
import {
  DATABASE_USERS_JOB,
  KAFKA_TOPICS_JOB,
  OPERATIONS_NAMESPACE,
  RABBITMQ_DLQ_JOB,
  RABBITMQ_USERS_JOB,
  SEARCH_ROTATION_JOB,
} from '../services/platform/operations-jobs';
import { kafkaTopicNames } from '../services/platform/queue-topology';
import { kafkaResourceArn } from './data-stores';
import { resourceName } from '../constructs/shared/protection';
import { COCKROACH_METRICS_NAMESPACE, COLLECTOR_NAME, COLLECTOR_NAMESPACE } from '../services/platform/otel-collector';
import { RegionalStack } from './regional-stack';
import { kafkaClusterArn, roleArn } from '../constructs/shared/arn';
import { QUEUE_SCALER_NAME, QUEUE_SCALER_NAMESPACE } from '../services/platform/queue-scaler';
import { brokerClients } from '../config/components';

export function addOperations(stack: RegionalStack): void {
  const f = stack.foundation;
  if (stack.eks) {
    addCollector(stack);
    addOperationsJobIdentities(stack);
    addQueueScalerIdentity(stack);
  }
  const { slo } = f.environment;
  if (slo && stack.loadBalancer) {
    new SloBurnAlarms(stack, 'slo', { namePrefix: f.namePrefix, slo, loadBalancerArnSuffix: stack.loadBalancer.alb.arnSuffix, alarms: f.alarms });
  }
  new RegionDashboard(stack, 'dashboard', {
    name: f.namePrefix,
    region: f.region.code,
    stage: f.environment.stage,
    alarms: f.alarms,
    loadBalancerArnSuffix: stack.loadBalancer?.alb.arnSuffix,
  });
  if (stack.restoreTested.size > 0) {
    new RestoreTesting(stack, 'restore-testing', {
      namePrefix: f.namePrefix,
      vault: f.backups.vault,
      role: f.backups.role,
      resourceTypes: [...stack.restoreTested].sort(),
      alarms: f.alarms,
    });
  }
}

/**
 * The collector's Pod Identity role and, with CockroachDB, its EMF log group and the replication
 * alarms on the metrics it publishes: under-replicated ranges (a replica lost and not yet
 * replaced) and the closed timestamp more than 1 s behind its 3 s target (followers lagging).
 */
function addCollector(stack: RegionalStack): void {
  const f = stack.foundation;
  const logGroupName = f.blueprint.cockroach ? `/stagecraft/${f.namePrefix}/cockroachdb-metrics` : undefined;
  new CollectorIdentity(stack, 'otel-collector', {
    roleName: resourceName(f.namePrefix, COLLECTOR_NAME, 64),
    cluster: stack.eks!,
    namespace: COLLECTOR_NAMESPACE,
    serviceAccount: COLLECTOR_NAME,
    encryptionKey: f.encryptionKey,
    metricsLogGroupName: logGroupName,
  });
  stack.collector = { metricsLogGroupName: logGroupName };
  if (!logGroupName) return;
  f.alarms.alarm(stack, 'cockroachdb-underreplicated', {
    alarmName: `${f.namePrefix}-cockroachdb-underreplicated`,
    description: `CockroachDB in ${f.region.code} has under-replicated ranges: a node or zone is down and its replicas are not yet replaced.`,
    namespace: COCKROACH_METRICS_NAMESPACE,
    metricName: 'ranges_underreplicated',
    dimensions: {},
    comparison: 'GreaterThanThreshold',
    threshold: 0,
    statistic: 'Maximum',
  });
  f.alarms.alarm(stack, 'cockroachdb-replica-lag', {
    alarmName: `${f.namePrefix}-cockroachdb-replica-lag`,
    description: `CockroachDB in ${f.region.code}: followers' closed timestamp is more than 1 s behind its 3 s target (replication lag above 1 s).`,
    namespace: COCKROACH_METRICS_NAMESPACE,
    metricName: 'kv_closed_timestamp_max_behind_nanos',
    dimensions: {},
    comparison: 'GreaterThanThreshold',
    threshold: COCKROACH_CLOSED_TIMESTAMP_TARGET_NANOS + 1e9,
    statistic: 'Maximum',
  });
}

/** CockroachDB's default `kv.closed_timestamp.target_duration`, 3 s, in nanoseconds. */
export const COCKROACH_CLOSED_TIMESTAMP_TARGET_NANOS = 3e9;

/**
 * Pod Identity roles of the operations Jobs (services/platform/operations-jobs.ts): the ISM Job
 * may only assume the search domain's master role (fine-grained access control authorizes only
 * it, and a narrower mapping could only be made as it); the dead-letter Job may only read the
 * broker's admin secret; the rabbitmq-users Job may read it and the services' broker passwords; the
 * kafka-topics Job may only create, describe and alter the services' topics; the database-users
 * Job may only read the databases' master secrets.
 */
function addOperationsJobIdentities(stack: RegionalStack): void {
  const f = stack.foundation;
  const common = { cluster: stack.eks!, namespace: OPERATIONS_NAMESPACE, encryptionKey: f.encryptionKey, region: f.region.code };
  if (stack.searchDomain) {
    const ism = new ServiceIdentity(stack, 'search-index-rotation', {
      ...common,
      roleName: resourceName(f.namePrefix, SEARCH_ROTATION_JOB, 64),
      serviceAccount: SEARCH_ROTATION_JOB,
      stores: [],
    });
    new IamRolePolicy(stack, 'search-index-rotation-assume-master', {
      role: ism.role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        // TagSession: Pod Identity's transitive session tags go with the chained AssumeRole (SC-PRE-17).
        Statement: [
          {
            Sid: 'ActAsSearchMaster',
            Effect: 'Allow',
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Resource: roleArn(f.encryptionKey, stack.searchDomain.masterRole.name),
          },
        ],
      }),
    });
    // The master role trusts this Job's role only (not the whole account).
    // Built from the role's name (known at plan), not its computed `arn`; the reference still orders the role first.
    stack.searchDomain.allowAdmins([roleArn(f.encryptionKey, ism.role.name)]);
  }
  if (stack.databaseAdmin) {
    new ServiceIdentity(stack, DATABASE_USERS_JOB, {
      ...common,
      roleName: resourceName(f.namePrefix, DATABASE_USERS_JOB, 64),
      serviceAccount: DATABASE_USERS_JOB,
      stores: [
        {
          kind: 'database',
          engine: 'PostgreSQL master user',
          port: 5432,
          env: {},
          // A generated master secret by its plan-time ARN; one RDS manages by its name pattern and tag.
          secretArns: stack.databaseAdmin.databases.flatMap((d) => (d.masterSecret ? [] : [d.masterSecretPolicyArn ?? d.masterSecretArn])),
          managedSecrets: stack.databaseAdmin.databases.flatMap((d) => (d.masterSecret ? [d.masterSecret] : [])),
          bucketArns: [],
        },
      ],
      // Behind PgBouncer it sets each service's password, which it reads from the service's secret.
      credentialSecretArns: Object.values(stack.pooler?.ownedSecretArns ?? {}),
    });
  }
  const queue = stack.dataStores.rabbitmq;
  if (stack.rabbitMq && queue) {
    // The admin secret is the operations Jobs' alone; no service role may read it (SC-REQ-3).
    // By the ARN built from its name, known at plan time (the Jobs fetch it by its own ARN, stacks/apps-stack.ts).
    const admin = { ...queue, env: {}, secretArns: [stack.rabbitMq.adminPassword.policyArn], credentialFor: undefined };
    new ServiceIdentity(stack, 'rabbitmq-dead-letters', {
      ...common,
      roleName: resourceName(f.namePrefix, RABBITMQ_DLQ_JOB, 64),
      serviceAccount: RABBITMQ_DLQ_JOB,
      stores: [admin],
    });
    const clients = brokerClients(f.environment.services, 'rabbitmq', f.environment.components.queues);
    new ServiceIdentity(stack, RABBITMQ_USERS_JOB, {
      ...common,
      roleName: resourceName(f.namePrefix, RABBITMQ_USERS_JOB, 64),
      serviceAccount: RABBITMQ_USERS_JOB,
      stores: [admin],
      credentialSecretArns: clients.flatMap((s) => queue.credentialFor?.(s).secretArns ?? []),
    });
  }
  if (stack.kafka) {
    const cluster = stack.kafka;
    const topics = kafkaTopicNames(brokerClients(f.environment.services, 'kafka', f.environment.components.queues));
    if (topics.length === 0) return;
    const identity = new ServiceIdentity(stack, KAFKA_TOPICS_JOB, {
      ...common,
      roleName: resourceName(f.namePrefix, KAFKA_TOPICS_JOB, 64),
      serviceAccount: KAFKA_TOPICS_JOB,
      stores: [],
    });
    new IamRolePolicy(stack, 'kafka-topics-create', {
      role: identity.role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ConnectToTheCluster', Effect: 'Allow', Action: ['kafka-cluster:Connect'], Resource: kafkaClusterArn(f.encryptionKey, cluster.clusterName) },
          {
            Sid: 'CreateTheServicesTopics',
            Effect: 'Allow',
            // UpdateTopic (raising partitions) needs AlterTopic and AlterTopicDynamicConfiguration.
            Action: [
              'kafka-cluster:CreateTopic',
              'kafka-cluster:DescribeTopic',
              'kafka-cluster:DescribeTopicDynamicConfiguration',
              'kafka-cluster:AlterTopic',
              'kafka-cluster:AlterTopicDynamicConfiguration',
            ],
            Resource: topics.map((t) => kafkaResourceArn(stack, cluster, 'topic', t)),
          },
        ],
      }),
    });
  }
}

/**
 * The queue-scaler's Pod Identity role (services/platform/queue-scaler.ts), where a worker of this
 * environment scales on its queue's backlog: `cloudwatch:GetMetricData` and nothing else. The call
 * has no resource-level permissions (AWS: "Resource: *" only), so the role can read any metric of
 * the account and region, and write none.
 */
function addQueueScalerIdentity(stack: RegionalStack): void {
  const f = stack.foundation;
  if (!f.environment.services.some((s) => s.scaling.rule === 'queue')) return;
  const identity = new ServiceIdentity(stack, QUEUE_SCALER_NAME, {
    cluster: stack.eks!,
    namespace: QUEUE_SCALER_NAMESPACE,
    encryptionKey: f.encryptionKey,
    region: f.region.code,
    roleName: resourceName(f.namePrefix, QUEUE_SCALER_NAME, 64),
    serviceAccount: QUEUE_SCALER_NAME,
    stores: [],
  });
  new IamRolePolicy(stack, 'queue-scaler-read-backlog', {
    role: identity.role.id,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReadQueueBacklogMetrics', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' }],
    }),
  });
}

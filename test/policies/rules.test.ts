/**
 * Every rule against a compliant and a non-compliant fixture (and, where a value can be an
 * unresolved expression, a fixture the rule must report as "could not evaluate").
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STAGECRAFT_PACK } from '../../policies/packs/stagecraft';
import { ALL_RULES } from '../../policies/rules';
import { FAMILY_CODES, RULE_FAMILIES } from '../../policies/types';
import { evaluate, Fixture, Resources } from './fixtures';
import { clusterRegion, originMonitorEdge } from './request-path-fixtures';
import { typedResourcesNamed } from '../helpers/kubernetes-typed';
import { queueScalerObjects, queueScalingAnnotation } from '../../services/platform/queue-scaler';
import { typedArguments } from '../../synthesis/kubernetes-typed';
import { CloudflareSubscription } from '../../config/cloudflare-plans';
import { projectServiceCatalog } from '../../config/services';
import { deployment as renderDeployment } from '../../services/kubernetes/deployment';
import { providerBehaviour } from '../../constructs/kubernetes/kubernetes-object-resource';
import { pathMatchers } from '../../constructs/cloudflare/path-match';
import { pgbouncerIni } from '../../services/kubernetes/pooler';
import { poolerSizeFor } from '../../sizing/pooler';
import { DEFAULT_POOLER } from '../../config/pooler';

const KEY = '${aws_kms_key.key.arn}';
/** The pooler's generated pgbouncer.ini (SC-EIT-8), in front of one database. */
const POOLER_INI = pgbouncerIni(
  poolerSizeFor(DEFAULT_POOLER, [], () => 0, 'db.r6g.large'),
  [{ alias: 'postgres', host: '${aws_db_instance.db.address}', port: 5432, dbname: 'postgres' }],
);
const bucket = (companions: Resources = {}): Resources => ({ aws_s3_bucket: { b: { bucket: 'fx-bucket' } }, ...companions });
const BUCKET_ID = '${aws_s3_bucket.b.id}';

const HARDENED_CONTAINER = {
  name: 'api',
  image: 'ghcr.io/acme/api:1',
  security_context: {
    run_as_non_root: true,
    read_only_root_filesystem: true,
    allow_privilege_escalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  },
  liveness_probe: { http_get: { path: '/healthz', port: 8080 } },
  readiness_probe: { http_get: { path: '/ready', port: 8080 } },
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
};
/**
 * SC-K8S-8 fixtures: a Deployment mounting Secret `db-client`, and (unless `producer: false`) the
 * Job that writes it; `dependsOn` is the Deployment's, `external` its external-secrets annotation.
 */
const secretConsumer = (options: { dependsOn: string[]; producer?: boolean; external?: string }): Resources => {
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'certs', namespace: 'product', annotations: { 'stagecraft.io/writes-secrets': 'product/db-client' } },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'sign', image: 'x:1' }] } } },
  };
  const api = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'product', ...(options.external ? { annotations: { 'stagecraft.io/external-secrets': options.external } } : {}) },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'x:1' }], volumes: [{ name: 'db', secret: { secretName: 'db-client' } }] },
      },
    },
  };
  const resources = typedResourcesNamed(options.producer === false ? { api } : { certs: job, api });
  resources.kubernetes_deployment_v1.api.depends_on = options.dependsOn;
  return resources;
};
/**
 * SC-K8S-9 fixtures: a Deployment whose credential names the database user `api` (DATABASE_AUTH=iam)
 * and the Kafka topic `orders`, and (unless `producer: false`) the Job that makes them, with the
 * provider arguments the apps stack gives a Job (waited for beyond its deadline). `dependsOn` is
 * the Deployment's, `external` its external-provisions annotation, `env` changes its environment,
 * `job` replaces arguments of the Job's resource, `deadline` its activeDeadlineSeconds (null: none).
 */
const provisionConsumer = (options: {
  dependsOn: string[];
  producer?: boolean;
  external?: string;
  env?: Record<string, string>;
  job?: Record<string, unknown>;
  deadline?: number | null;
}): Resources => {
  const deadline = options.deadline === undefined ? 1800 : options.deadline;
  const users = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'users-0a1b2c3d', namespace: 'operations', annotations: { 'stagecraft.io/provisions': 'database-user/api,kafka-topic/orders' } },
    spec: {
      ...(deadline === null ? {} : { activeDeadlineSeconds: deadline }),
      template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'users', image: 'x:1' }] } },
    },
  };
  const env = { DATABASE_AUTH: 'iam', DATABASE_USER: 'api', QUEUE_KIND: 'kafka', QUEUE_TOPICS_PRODUCED: 'orders', QUEUE_TOPICS_CONSUMED: '', ...options.env };
  const api = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'product', ...(options.external ? { annotations: { 'stagecraft.io/external-provisions': options.external } } : {}) },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'x:1', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
      },
    },
  };
  const resources = typedResourcesNamed(options.producer === false ? { api } : { users, api });
  if (options.producer !== false) Object.assign(resources.kubernetes_job_v1.users, providerBehaviour(users), options.job);
  resources.kubernetes_deployment_v1.api.depends_on = options.dependsOn;
  return resources;
};
/**
 * A worker scaled on its queue and the region's queue-scaler as the platform emits it
 * (services/platform/queue-scaler.ts); `change` alters the objects before they become resources.
 */
const queueScaled = (change: (objects: Record<string, { metadata: { name: string }; [key: string]: unknown }>) => void = () => {}): Resources => {
  const worker = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'task-worker',
      namespace: 'product',
      annotations: queueScalingAnnotation({ min: 2, max: 20, targetPerPod: 50 }),
    },
    spec: {
      selector: { matchLabels: { app: 'task-worker' } },
      template: { metadata: { labels: { app: 'task-worker' } }, spec: { containers: [{ name: 'task-worker', image: 'x:1' }] } },
    },
  };
  const scaler = queueScalerObjects({
    region: 'us-east-1',
    workers: [{ deployment: 'task-worker', min: 2, max: 20, targetPerPod: 50, sources: [{ broker: 'rabbitmq', brokerName: 'b', queue: 'tasks.task-worker' }] }],
    apiServerCidrs: ['10.0.0.0/19'],
    vpcCidr: '10.0.0.0/16',
  });
  const objects = Object.fromEntries([['worker', worker], ...scaler.map((o) => [`scaler-${o.kind.toLowerCase()}`, o])]) as Record<
    string,
    { metadata: { name: string }; [key: string]: unknown }
  >;
  change(objects);
  return typedResourcesNamed(objects);
};
const deployment = (container: Record<string, unknown>, podSecurity?: Record<string, unknown>): Resources => ({
  kubernetes_deployment_v1: {
    api: {
      metadata: { name: 'api' },
      spec: {
        replicas: 2,
        template: { metadata: { labels: { app: 'api' } }, spec: { ...(podSecurity ? { security_context: podSecurity } : {}), container: [container] } },
      },
    },
  },
});
const withSecurity = (changes: Record<string, unknown>) => ({
  ...HARDENED_CONTAINER,
  security_context: { ...HARDENED_CONTAINER.security_context, ...changes },
});
const without = (key: string) => Object.fromEntries(Object.entries(HARDENED_CONTAINER).filter(([k]) => k !== key));

const HARDENED_TEMPLATE = {
  name: 't',
  metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 },
  block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true' } }],
};
const MSK = {
  cluster_name: 'k',
  encryption_info: { encryption_at_rest_kms_key_arn: KEY, encryption_in_transit: { client_broker: 'TLS', in_cluster: true } },
  client_authentication: { sasl: { iam: true }, unauthenticated: false },
};

/** A cluster-stage region whose api Deployment declares the database, and a role allowed `actions` on its database user. */
function credentialFixture(actions: string[]): Fixture {
  const policy = { Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:rds-db:us-east-1:1:dbuser:${aws_db_instance.db.resource_id}/api' }] };
  const env = [
    { name: 'DATABASE_HOST', value: 'db' },
    { name: 'DATABASE_USER', value: 'api' },
  ];
  return {
    resources: {
      aws_db_instance: { db: { engine: 'postgres' } },
      aws_iam_role: { api: { name: 'api' } },
      aws_eks_pod_identity_association: { api: { namespace: 'product', service_account: 'api', role_arn: '${aws_iam_role.api.arn}' } },
      aws_iam_role_policy: { api: { role: '${aws_iam_role.api.id}', policy: JSON.stringify(policy) } },
    },
    otherRegions: {
      'us-east-1-apps': typedResourcesNamed({
        api: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'product' },
          spec: { template: { spec: { containers: [{ name: 'api', env }] } } },
        },
        users: {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'database-users-0', namespace: 'operations' },
          spec: { template: { spec: { containers: [{ name: 'u', env: [{ name: 'DATABASE_USERS_SQL', value: 'CREATE ROLE "api" WITH LOGIN;' }] }] } } },
        },
      }),
    },
  };
}

/** Shapes synthesized at commit e6048f8, before the preflight fixes (review 2026-12-07). */
export const PRE_FIX = {
  /** F1: the edge stack's ACM validation records. */
  acmForEach:
    '${{ for option in concat(tolist(aws_acm_certificate.certificate-us-east-1.domain_validation_options), tolist(aws_acm_certificate.certificate-eu-west-1.domain_validation_options)) : option.resource_record_name => option... }}',
  /** F3: the regional key policy, without the Auto Scaling role. */
  keyPolicy:
    '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "AccountAdministers", "Effect" = "Allow", "Principal" = {"AWS" = "arn:${element(split(":", aws_kms_key.key.arn), 1)}:iam::${element(split(":", aws_kms_key.key.arn), 4)}:root"}, "Action" = "kms:*", "Resource" = "*"}, {"Sid" = "CloudWatchAlarmsPublishToEncryptedTopics", "Effect" = "Allow", "Principal" = {"Service" = "cloudwatch.amazonaws.com"}, "Action" = ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource" = "*"}, {"Sid" = "CloudWatchLogsEncryptLogGroups", "Effect" = "Allow", "Principal" = {"Service" = "logs.us-east-1.amazonaws.com"}, "Action" = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], "Resource" = "*", "Condition" = {"ArnLike" = {"kms:EncryptionContext:aws:logs:arn" = "arn:${element(split(":", aws_kms_key.key.arn), 1)}:logs:us-east-1:${element(split(":", aws_kms_key.key.arn), 4)}:*"}}}]})}',
};
const AUTO_SCALING_ROLE = 'arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
/** The key policy after the fix (constructs/aws/encryption-key.ts), with the account given. */
const FIXED_KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' },
    {
      Sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:*' } },
    },
    {
      Sid: 'CloudWatchLogsEncryptLogGroups',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111122223333:*' } },
    },
    {
      Sid: 'AutoScalingEncryptsLaunchedVolumes',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': AUTO_SCALING_ROLE } },
    },
    {
      Sid: 'AutoScalingAttachesLaunchedVolumes',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': AUTO_SCALING_ROLE }, Bool: { 'kms:GrantIsForAWSResource': true } },
    },
  ],
});
/** A key encrypting the volumes of a node group's launch template, with the given key policy. */
const nodeGroupKey = (policy: string): Resources => ({
  aws_kms_key: { key: { enable_key_rotation: true } },
  aws_kms_key_policy: { policy: { key_id: '${aws_kms_key.key.key_id}', policy } },
  aws_launch_template: { nodes: { name: 'nodes', block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true', kms_key_id: KEY } }] } },
  aws_eks_node_group: { nodes: { node_group_name: 'nodes', launch_template: { id: '${aws_launch_template.nodes.id}', version: '1' } } },
});
/** A key used by a log group, an alarm topic and a backup vault. */
const serviceKey = (policy: string): Resources => ({
  aws_kms_key: { key: { enable_key_rotation: true } },
  aws_kms_key_policy: { policy: { key_id: '${aws_kms_key.key.key_id}', policy } },
  aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: KEY } },
  aws_sns_topic: { alarms: { name: 'alarms', kms_master_key_id: KEY } },
  aws_cloudwatch_metric_alarm: { a: { alarm_name: 'a', alarm_actions: ['${aws_sns_topic.alarms.arn}'] } },
  aws_backup_vault: { v: { name: 'v', kms_key_arn: KEY } },
});
const ENTERPRISE_ALL: CloudflareSubscription = { plan: 'enterprise', addons: ['loadBalancing', 'trafficSteering', 'advancedRateLimiting', 'workersPaid'] };
const PRO: CloudflareSubscription = { plan: 'pro', addons: [] };
const rateLimits = (rules: unknown[]): Resources => ({
  cloudflare_ruleset: { limits: { zone_id: 'z', kind: 'zone', phase: 'http_ratelimit', name: 'limits', rules } },
});
const PRO_RULE = {
  ref: 'api_per_ip',
  expression: 'starts_with(http.request.uri.path, "/api/")',
  action: 'block',
  ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 1000, mitigation_timeout: 60 },
};
const ENTERPRISE_RULE = {
  ref: 'failed_logins_per_ip',
  expression: 'http.request.method eq "POST" and http.request.uri.path eq "/api/auth/login"',
  action: 'block',
  ratelimit: {
    characteristics: ['cf.colo.id', 'http.request.headers["authorization"]'],
    period: 60,
    requests_per_period: 5,
    mitigation_timeout: 60,
    counting_expression: 'http.request.uri.path eq "/api/auth/login" and http.response.code in {401 403}',
  },
};

const PLAIN = pathMatchers(false);

function customRules(expression: string): Resources {
  return { cloudflare_ruleset: { custom: { phase: 'http_request_firewall_custom', rules: [{ ref: 'r', expression, action: 'block' }] } } };
}

/** A launch host, its role, a release compose object and the association that delivers it; `overrides` take links away. */
function releaseFixture(overrides: { object?: boolean; association?: Record<string, unknown> | false; policy?: string } = {}): Fixture {
  const read = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: ['${aws_s3_bucket.releases.arn}/release/*'] }],
  });
  const association = overrides.association ?? {
    name: 'AWS-RunShellScript',
    targets: [{ key: 'InstanceIds', values: ['${aws_instance.host.id}'] }],
    parameters: {
      commands: 'stagecraft-release apply b release us-east-1 compose.yaml=${aws_s3_object.compose.version_id}:${sha256(aws_s3_object.compose.content)}',
    },
  };
  return {
    stage: 'launch',
    resources: {
      aws_instance: { host: { launch_template: { id: '${aws_launch_template.host.id}' }, tags: { Name: 'host', 'stagecraft:release': 'fx' } } },
      aws_launch_template: { host: { iam_instance_profile: { arn: '${aws_iam_instance_profile.host.arn}' } } },
      aws_iam_instance_profile: { host: { role: '${aws_iam_role.host.name}' } },
      aws_iam_role: { host: { name: 'host' } },
      aws_iam_role_policy: { release: { role: '${aws_iam_role.host.id}', policy: overrides.policy ?? read } },
      aws_s3_bucket: { releases: { bucket: 'fx-releases' } },
      ...(overrides.object === false
        ? {}
        : { aws_s3_object: { compose: { bucket: '${aws_s3_bucket.releases.id}', key: 'release/compose.yaml', content: 'services: {}' } } }),
      ...(association === false ? {} : { aws_ssm_association: { release: association } }),
    },
  };
}

/**
 * SC-STG-7 fixtures: a host release whose compose file mounts `api-key` and RDS's `database-master`,
 * and (unless `script: false`) the release's secret script fetching `fetched` into `directory`,
 * emptying `transient` after each up.
 */
function secretsReleaseFixture(
  overrides: { script?: false; fetched?: string[]; directory?: string; transient?: string[]; composeContent?: string } = {},
): Fixture {
  const arns: Record<string, string> = {
    'api-key': '${aws_secretsmanager_secret.api_key.arn}',
    'database-master': '${aws_db_instance.db.master_user_secret[0].secret_arn}',
  };
  const compose =
    overrides.composeContent ??
    [
      'services:',
      '  api:',
      '    image: ghcr.io/acme/api:1',
      '    secrets: [api-key, database-master]',
      'secrets:',
      '  api-key:',
      '    file: /run/stagecraft/secrets/api-key',
      '  database-master:',
      '    file: /run/stagecraft/secrets/database-master',
      '',
    ].join('\n');
  const script = [
    '#!/bin/sh',
    `DIR='${overrides.directory ?? '/run/stagecraft/secrets'}'`,
    'case "$mode" in',
    '  --drop-transient)',
    ...(overrides.transient ?? ['database-master']).map((f) => `    if [ -f "$DIR"/'${f}' ]; then : > "$DIR"/'${f}'; fi`),
    '    exit 0 ;;',
    'esac',
    ...(overrides.fetched ?? ['api-key', 'database-master']).map((f) => `fetch '${f}' '${arns[f]}'`),
    '',
  ].join('\n');
  const object = (key: string, content: string) => ({ bucket: '${aws_s3_bucket.releases.id}', key, content });
  return {
    stage: 'traction',
    resources: {
      aws_s3_bucket: { releases: { bucket: 'fx-releases' } },
      aws_s3_object: {
        compose: object('release/compose.yaml', compose),
        ...(overrides.script === false ? {} : { secrets: object('release/stagecraft-fetch-secrets', script) }),
      },
    },
  };
}

/** A host of `type` whose release runs containers with these limits and reservations (`[cpus, memory reserved]`). */
function hostFitFixture(type: string, containers: Record<string, [string, string | undefined]>): Fixture {
  const services = Object.fromEntries(
    Object.entries(containers).map(([name, [cpus, reserved]]) => [
      name,
      { image: 'x', deploy: { resources: { limits: { cpus, memory: '4096M' }, ...(reserved ? { reservations: { memory: reserved } } : {}) } } },
    ]),
  );
  return {
    stage: 'launch',
    resources: {
      aws_instance: { host: { launch_template: { id: '${aws_launch_template.host.id}' } } },
      aws_launch_template: { host: { instance_type: type } },
      aws_s3_object: { compose: { key: 'release/compose.yaml', content: JSON.stringify({ services }) } },
    },
  };
}

interface Case {
  readonly compliant: Fixture;
  readonly nonCompliant: Fixture;
  /** A fixture whose needed value is an unresolved expression. */
  readonly unresolved?: Fixture;
}

/** A RabbitMQ broker whose admin password Terraform generates into a secret, and a role in `namespace` that may read that secret. */
const brokerAdmin = (namespace: string): Resources => ({
  aws_secretsmanager_secret: { admin: { name: 'admin' } },
  aws_secretsmanager_secret_version: { admin: { secret_id: '${aws_secretsmanager_secret.admin.id}', secret_string: '${replace(uuid(), "-", "")}' } },
  aws_mq_broker: { mq: { broker_name: 'mq', user: [{ username: 'stagecraft-admin', password: '${aws_secretsmanager_secret_version.admin.secret_string}' }] } },
  aws_iam_role: { job: { name: 'job' } },
  aws_iam_role_policy: {
    job: {
      role: '${aws_iam_role.job.id}',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['${aws_secretsmanager_secret.admin.arn}'] }],
      }),
    },
  },
  aws_eks_pod_identity_association: { job: { namespace, service_account: 'job', role_arn: '${aws_iam_role.job.arn}' } },
});

/** SC-PRE-17: a Pod Identity role `job` that may assume role `admin`; the actions each side allows. */
const chainedRole = (trustActions: string[], identityActions: string[]): Resources => ({
  aws_iam_role: {
    job: {
      name: 'job',
      assume_role_policy: JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
      }),
    },
    admin: {
      name: 'admin',
      assume_role_policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ['${aws_iam_role.job.arn}'] }, Action: trustActions }] }),
    },
  },
  aws_iam_role_policy: {
    job: {
      role: '${aws_iam_role.job.id}',
      policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: identityActions, Resource: '${aws_iam_role.admin.arn}' }] }),
    },
  },
  aws_eks_pod_identity_association: { job: { namespace: 'operations', service_account: 'job', role_arn: '${aws_iam_role.job.arn}' } },
});

/** SC-PRE-18: a Job whose one container runs `script`. */
const scriptJob = (script: string): Resources => ({
  kubernetes_job_v1: {
    topics: { metadata: { name: 'topics-1a2b3c4d' }, spec: { template: { spec: { container: [{ name: 'topics', command: ['/bin/sh', '-c', script] }] } } } },
  },
});
const SIGNED_CURL = 'curl --aws-sigv4 "aws:amz:$AWS_REGION:kafka" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"';

/** SC-PRE-19: a Deployment whose init container waits for the secret `secretArn` points at. */
const waitingDeployment = (secretArn: string, waitForRollout?: boolean): Resources => ({
  kubernetes_deployment_v1: {
    api: {
      ...(waitForRollout === undefined ? {} : { wait_for_rollout: waitForRollout }),
      metadata: { name: 'api', namespace: 'product' },
      spec: {
        template: {
          spec: {
            init_container: [
              {
                name: 'fetch-secrets',
                command: ['/bin/sh', '-c', 'until aws secretsmanager get-secret-value --secret-id "$SECRET_ARN_0"; do sleep 15; done'],
                env: [{ name: 'SECRET_ARN_0', value: secretArn }],
              },
            ],
            container: [{ name: 'api', image: 'x:1' }],
          },
        },
      },
    },
  },
});
const R2_WRITER = { aws_secretsmanager_secret: { r2: { name: 'fx/r2-writer' } } };
const R2_WRITTEN = {
  aws_secretsmanager_secret_version: {
    r2: { secret_id: '${aws_secretsmanager_secret.r2.id}', secret_string_wo: '${var.r2_writer_token_us_east_1}', secret_string_wo_version: 1 },
  },
};

/** SC-PRE-20: a stack whose key policy names account 111122223333 in a role ARN, or builds the domain ARN from the caller. */
const ACCOUNT_LITERAL: Resources = {
  aws_iam_role_policy: {
    admin: {
      role: 'admin',
      policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'es:ESHttp*', Resource: 'arn:aws:es:us-east-1:111122223333:domain/fx/*' }] }),
    },
  },
};

/**
 * SC-PRE-22: the standby region (eu-west-1, the stack under test) joins the primary's global
 * cluster by its identifier; the primary (us-east-1) creates it.
 */
const GLOBAL_PRIMARY: Resources = { aws_rds_global_cluster: { global: { global_cluster_identifier: 'fx-aurora', engine: 'aurora-postgresql' } } };
const GLOBAL_SECONDARY: Resources = { aws_rds_cluster: { secondary: { cluster_identifier: 'fx-eu-west-1-aurora', global_cluster_identifier: 'fx-aurora' } } };
const JOINS_PRIMARY = (dependencies: readonly string[]): Fixture => ({
  resources: GLOBAL_SECONDARY,
  region: 'eu-west-1',
  otherRegions: { 'us-east-1': GLOBAL_PRIMARY },
  dependencies,
});

const CASES: Record<string, Case> = {
  // Encryption at rest
  'SC-EAR-1': {
    compliant: { resources: { aws_db_instance: { db: { engine: 'postgres', storage_encrypted: true } } } },
    nonCompliant: { resources: { aws_db_instance: { db: { engine: 'postgres', storage_encrypted: false } } } },
    unresolved: { resources: { aws_db_instance: { db: { engine: 'postgres', storage_encrypted: '${var.encrypted}' } } } },
  },
  'SC-EAR-2': {
    compliant: { resources: { aws_rds_cluster: { c: { storage_encrypted: true, kms_key_id: KEY } } } },
    nonCompliant: { resources: { aws_rds_cluster: { c: { storage_encrypted: true } } } },
  },
  'SC-EAR-3': {
    compliant: { resources: { aws_elasticache_replication_group: { r: { at_rest_encryption_enabled: 'true' } } } },
    nonCompliant: { resources: { aws_elasticache_replication_group: { r: { engine: 'redis' } } } },
  },
  'SC-EAR-4': {
    compliant: {
      resources: bucket({
        aws_s3_bucket_server_side_encryption_configuration: {
          e: { bucket: BUCKET_ID, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
        },
      }),
    },
    nonCompliant: { resources: bucket() },
  },
  'SC-EAR-5': {
    compliant: {
      resources: bucket({
        aws_s3_bucket_server_side_encryption_configuration: {
          e: { bucket: BUCKET_ID, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY } }] },
        },
      }),
    },
    nonCompliant: {
      resources: bucket({
        aws_s3_bucket_server_side_encryption_configuration: {
          e: { bucket: 'fx-bucket', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
        },
      }),
    },
  },
  'SC-EAR-6': {
    compliant: { resources: { aws_ebs_volume: { v: { size: 50, encrypted: true } } } },
    nonCompliant: { resources: { aws_ebs_volume: { v: { size: 50, encrypted: false } } } },
  },
  'SC-EAR-7': {
    compliant: { resources: { aws_launch_template: { t: HARDENED_TEMPLATE } } },
    nonCompliant: {
      resources: { aws_launch_template: { t: { ...HARDENED_TEMPLATE, block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'false' } }] } } },
    },
  },
  'SC-EAR-8': {
    compliant: {
      resources: { aws_launch_template: { t: HARDENED_TEMPLATE }, aws_instance: { i: { launch_template: { id: '${aws_launch_template.t.id}' } } } },
    },
    nonCompliant: { resources: { aws_instance: { i: { ami: 'ami-1', root_block_device: { encrypted: false } } } } },
  },
  'SC-EAR-9': { compliant: { resources: { aws_msk_cluster: { k: MSK } } }, nonCompliant: { resources: { aws_msk_cluster: { k: { cluster_name: 'k' } } } } },
  'SC-EAR-10': {
    compliant: { resources: { aws_opensearch_domain: { d: { encrypt_at_rest: { enabled: true, kms_key_id: KEY } } } } },
    nonCompliant: { resources: { aws_opensearch_domain: { d: { encrypt_at_rest: { enabled: false } } } } },
  },
  'SC-EAR-11': {
    compliant: { resources: { aws_mq_broker: { m: { encryption_options: { use_aws_owned_key: false, kms_key_id: KEY } } } } },
    nonCompliant: { resources: { aws_mq_broker: { m: { encryption_options: { use_aws_owned_key: true } } } } },
  },
  'SC-EAR-12': {
    compliant: { resources: { aws_cloudwatch_log_group: { g: { kms_key_id: KEY } } } },
    nonCompliant: { resources: { aws_cloudwatch_log_group: { g: { name: 'g' } } } },
  },
  'SC-EAR-13': {
    compliant: { resources: { aws_sns_topic: { t: { kms_master_key_id: KEY } } } },
    nonCompliant: { resources: { aws_sns_topic: { t: { name: 't' } } } },
  },
  'SC-EAR-14': {
    compliant: { resources: { aws_secretsmanager_secret: { s: { kms_key_id: KEY } } } },
    nonCompliant: { resources: { aws_secretsmanager_secret: { s: { name: 's' } } } },
  },
  'SC-EAR-15': {
    compliant: { resources: { aws_eks_cluster: { e: { encryption_config: { resources: ['secrets'], provider: { key_arn: KEY } } } } } },
    nonCompliant: { resources: { aws_eks_cluster: { e: { name: 'e' } } } },
  },
  'SC-EAR-16': {
    compliant: { resources: { aws_backup_vault: { v: { kms_key_arn: KEY } } } },
    nonCompliant: { resources: { aws_backup_vault: { v: { name: 'v' } } } },
  },
  'SC-EAR-18': {
    // The broker admin's password, read only by an operations Job's role.
    compliant: { resources: brokerAdmin('operations') },
    // A product service's role may read the admin secret.
    nonCompliant: { resources: brokerAdmin('product') },
  },
  'SC-EAR-17': {
    // The generated value goes only through the write-only argument; the cache authenticates with IAM.
    compliant: {
      resources: {
        aws_secretsmanager_secret_version: { v: { secret_id: 's', secret_string_wo: '${replace(uuid(), "-", "")}', secret_string_wo_version: 1 } },
        aws_elasticache_replication_group: { r: { user_group_ids: ['g'] } },
      },
    },
    // Review S2: the AUTH token generated into secret_string, and copied into auth_token.
    nonCompliant: {
      resources: {
        aws_secretsmanager_secret_version: { v: { secret_id: 's', secret_string: '${replace(uuid(), "-", "")}' } },
        aws_elasticache_replication_group: { r: { auth_token: '${aws_secretsmanager_secret_version.v.secret_string}' } },
      },
    },
  },
  // Encryption in transit
  'SC-EIT-1': {
    compliant: {
      resources: {
        aws_db_parameter_group: { pg: { family: 'postgres16', parameter: [{ name: 'rds.force_ssl', value: '1' }] } },
        aws_db_instance: { db: { engine: 'postgres', parameter_group_name: '${aws_db_parameter_group.pg.name}' } },
      },
    },
    nonCompliant: {
      resources: {
        aws_rds_cluster_parameter_group: { pg: { family: 'aurora-postgresql16', parameter: [{ name: 'rds.force_ssl', value: '0' }] } },
        aws_rds_cluster: { c: { engine: 'aurora-postgresql', db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.pg.name}' } },
      },
    },
    unresolved: { resources: { aws_db_instance: { db: { engine: '${var.engine}' } } } },
  },
  'SC-EIT-2': {
    compliant: {
      resources: {
        aws_elasticache_replication_group: { r: { transit_encryption_enabled: true, auth_token: '${aws_secretsmanager_secret_version.v.secret_string}' } },
      },
    },
    nonCompliant: { resources: { aws_elasticache_replication_group: { r: { transit_encryption_enabled: true } } } },
  },
  'SC-EIT-3': {
    compliant: { resources: { aws_msk_cluster: { k: MSK } } },
    nonCompliant: { resources: { aws_msk_cluster: { k: { ...MSK, encryption_info: { encryption_in_transit: { client_broker: 'TLS_PLAINTEXT' } } } } } },
  },
  'SC-EIT-4': {
    compliant: { resources: { aws_opensearch_domain: { d: { domain_endpoint_options: { enforce_https: true } } } } },
    nonCompliant: { resources: { aws_opensearch_domain: { d: { domain_endpoint_options: { enforce_https: false } } } } },
  },
  'SC-EIT-5': {
    compliant: { resources: { aws_opensearch_domain: { d: { node_to_node_encryption: { enabled: true } } } } },
    nonCompliant: { resources: { aws_opensearch_domain: { d: { domain_name: 'd' } } } },
  },
  'SC-EIT-6': {
    compliant: {
      resources: bucket({
        aws_s3_bucket_policy: {
          p: {
            bucket: BUCKET_ID,
            policy:
              '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "DenyInsecureTransport", "Effect" = "Deny", "Principal" = "*", "Action" = "s3:*", ' +
              '"Resource" = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"], "Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}}]})}',
          },
        },
      }),
    },
    nonCompliant: {
      resources: bucket({
        aws_s3_bucket_policy: {
          p: {
            bucket: BUCKET_ID,
            policy: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: '*' }],
            }),
          },
        },
      }),
    },
    unresolved: { resources: bucket({ aws_s3_bucket_policy: { p: { bucket: BUCKET_ID, policy: '${data.aws_iam_policy_document.tls.json}' } } }) },
  },
  'SC-EIT-7': {
    compliant: {
      resources: {
        aws_lb_listener: {
          http: { port: 80, protocol: 'HTTP', default_action: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', status_code: 'HTTP_301' } }] },
        },
      },
    },
    nonCompliant: {
      resources: {
        aws_lb_listener: { http: { port: 80, protocol: 'HTTP', default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.t.arn}' }] } },
      },
    },
  },
  'SC-EIT-8': {
    // The pgbouncer.ini the pooler ships; then one whose clients may connect in plaintext.
    compliant: {
      resources: { kubernetes_config_map_v1: { pgbouncer: { metadata: { name: 'pgbouncer', namespace: 'product' }, data: { 'pgbouncer.ini': POOLER_INI } } } },
    },
    nonCompliant: {
      resources: {
        kubernetes_config_map_v1: {
          pgbouncer: {
            metadata: { name: 'pgbouncer', namespace: 'product' },
            data: { 'pgbouncer.ini': POOLER_INI.replace('client_tls_sslmode = require', 'client_tls_sslmode = prefer') },
          },
        },
      },
    },
    unresolved: {
      resources: { kubernetes_config_map_v1: { pgbouncer: { metadata: { name: 'pgbouncer' }, data: { 'pgbouncer.ini': '${file("pgbouncer.ini")}' } } } },
    },
  },
  // Public exposure
  'SC-PUB-1': {
    compliant: {
      resources: {
        aws_vpc_security_group_ingress_rule: {
          web: { prefix_list_id: '${aws_ec2_managed_prefix_list.cf.id}', from_port: 443, to_port: 443, ip_protocol: 'tcp' },
        },
      },
    },
    nonCompliant: {
      resources: { aws_security_group: { sg: { name: 'sg', ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] } } },
    },
    unresolved: {
      resources: { aws_vpc_security_group_ingress_rule: { r: { cidr_ipv4: '${var.office_cidr}', from_port: 22, to_port: 22, ip_protocol: 'tcp' } } },
    },
  },
  'SC-PUB-2': {
    compliant: { resources: { aws_db_instance: { db: { publicly_accessible: false } } } },
    nonCompliant: { resources: { aws_rds_cluster_instance: { i: { publicly_accessible: true } } } },
  },
  'SC-PUB-3': {
    compliant: { resources: { aws_eks_cluster: { e: { vpc_config: { endpoint_private_access: true, endpoint_public_access: false } } } } },
    nonCompliant: { resources: { aws_eks_cluster: { e: { vpc_config: { subnet_ids: ['${aws_subnet.a.id}'] } } } } },
    unresolved: { resources: { aws_eks_cluster: { e: { vpc_config: { endpoint_public_access: true, public_access_cidrs: '${var.cidrs}' } } } } },
  },
  'SC-PUB-14': {
    compliant: { resources: { aws_eks_cluster: { e: { vpc_config: { endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] } } } } },
    nonCompliant: { resources: { aws_eks_cluster: { e: { vpc_config: { endpoint_private_access: true, endpoint_public_access: false } } } } },
    unresolved: { resources: { aws_eks_cluster: { e: { vpc_config: { endpoint_public_access: '${var.public}' } } } } },
  },
  'SC-PUB-4': {
    compliant: {
      resources: bucket({
        aws_s3_bucket_public_access_block: {
          p: { bucket: BUCKET_ID, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
        },
      }),
    },
    nonCompliant: {
      resources: bucket({
        aws_s3_bucket_public_access_block: {
          p: { bucket: BUCKET_ID, block_public_acls: true, block_public_policy: false, ignore_public_acls: true, restrict_public_buckets: true },
        },
      }),
    },
  },
  'SC-PUB-5': {
    compliant: { resources: { aws_mq_broker: { m: { publicly_accessible: false } } } },
    nonCompliant: { resources: { aws_mq_broker: { m: { publicly_accessible: true } } } },
  },
  'SC-PUB-6': {
    compliant: { resources: { aws_opensearch_domain: { d: { vpc_options: { subnet_ids: ['${aws_subnet.a.id}'] } } } } },
    nonCompliant: { resources: { aws_opensearch_domain: { d: { domain_name: 'd' } } } },
  },
  'SC-PUB-7': {
    compliant: { resources: { aws_msk_cluster: { k: MSK } } },
    nonCompliant: {
      resources: { aws_msk_cluster: { k: { ...MSK, broker_node_group_info: { connectivity_info: { public_access: { type: 'SERVICE_PROVIDED_EIPS' } } } } } },
    },
  },
  'SC-PUB-8': {
    compliant: { resources: { aws_msk_cluster: { k: MSK } } },
    nonCompliant: { resources: { aws_msk_cluster: { k: { ...MSK, client_authentication: { unauthenticated: true } } } } },
  },
  'SC-PUB-9': {
    compliant: { resources: { aws_subnet: { s: { map_public_ip_on_launch: false } } } },
    nonCompliant: { resources: { aws_subnet: { s: { map_public_ip_on_launch: true } } } },
  },
  'SC-PUB-11': {
    compliant: {
      resources: {
        aws_lb_listener: {
          https: { port: 443, protocol: 'HTTPS', mutual_authentication: { mode: 'verify', trust_store_arn: '${aws_lb_trust_store.t.arn}' } },
          http: { port: 80, protocol: 'HTTP' },
        },
      },
    },
    nonCompliant: { resources: { aws_lb_listener: { https: { port: 443, protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } } } },
  },
  'SC-PUB-12': {
    compliant: {
      data: {
        cloudflare_zone: { zone: { filter: { name: 'example.com' } } },
        cloudflare_authenticated_origin_pulls_certificate: { client: { zone_id: 'z', certificate_id: '0e1c7a52-6f4d-4b7e-9a35-2c8d41f0b6a1' } },
      },
      resources: {
        cloudflare_dns_record: { apex: { name: 'example.com', type: 'A', content: '192.0.2.1', proxied: true } },
        cloudflare_authenticated_origin_pulls_settings: {
          p: { zone_id: 'z', enabled: true, depends_on: ['data.cloudflare_authenticated_origin_pulls_certificate.client'] },
        },
        cloudflare_load_balancer_monitor: { m: { type: 'https', path: '/healthz', probe_zone: 'example.com' } },
        cloudflare_ruleset: {
          user: {
            phase: 'http_request_late_transform',
            rules: [
              {
                action: 'rewrite',
                enabled: true,
                expression: 'cf.worker.upstream_zone ne "example.com"',
                action_parameters: { headers: { 'x-stagecraft-user': { operation: 'remove' } } },
              },
            ],
          },
        },
      },
    },
    nonCompliant: { resources: { cloudflare_dns_record: { apex: { name: 'example.com', type: 'A', content: '192.0.2.1', proxied: true } } } },
  },
  'SC-PUB-10': {
    compliant: { resources: { aws_default_security_group: { d: { vpc_id: '${aws_vpc.v.id}' } } } },
    nonCompliant: {
      resources: {
        aws_default_security_group: { d: { vpc_id: '${aws_vpc.v.id}', egress: [{ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['0.0.0.0/0'] }] } },
      },
    },
  },
  'SC-PUB-13': {
    compliant: {
      cloudflare: PRO,
      resources: {
        cloudflare_ruleset: {
          limits: { phase: 'http_ratelimit', rules: [{ ref: 'logins_per_ip', expression: PLAIN.login, action: 'block' }] },
          waf: { phase: 'http_request_firewall_custom', rules: [{ ref: 'block_ambiguous_path_encoding', expression: PLAIN.ambiguous, action: 'block' }] },
        },
      },
    },
    nonCompliant: {
      cloudflare: PRO,
      resources: {
        cloudflare_ruleset: {
          limits: { phase: 'http_ratelimit', rules: [{ ref: 'logins_per_ip', expression: 'http.request.uri.path eq "/api/auth/login"', action: 'block' }] },
        },
      },
    },
  },
  // IMDSv2
  'SC-IMD-1': {
    compliant: { resources: { aws_launch_template: { t: HARDENED_TEMPLATE } } },
    nonCompliant: {
      resources: { aws_launch_template: { t: { ...HARDENED_TEMPLATE, metadata_options: { http_tokens: 'optional', http_put_response_hop_limit: 1 } } } },
    },
  },
  'SC-IMD-2': {
    compliant: { resources: { aws_launch_template: { t: HARDENED_TEMPLATE } } },
    nonCompliant: {
      resources: { aws_launch_template: { t: { ...HARDENED_TEMPLATE, metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2 } } } },
    },
  },
  'SC-IMD-3': {
    compliant: { resources: { aws_instance: { i: { ami: 'ami-1', metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 } } } } },
    nonCompliant: { resources: { aws_instance: { i: { ami: 'ami-1' } } } },
  },
  'SC-IMD-4': {
    compliant: {
      resources: {
        aws_launch_template: { t: HARDENED_TEMPLATE },
        aws_eks_node_group: { g: { launch_template: { id: '${aws_launch_template.t.id}', version: '1' } } },
      },
    },
    nonCompliant: { resources: { aws_eks_node_group: { g: { node_group_name: 'general' } } } },
  },
  // Deletion protection and backups
  'SC-DP-1': {
    compliant: { resources: { aws_rds_cluster: { c: { deletion_protection: true } } } },
    nonCompliant: { resources: { aws_rds_cluster: { c: { engine: 'aurora-postgresql' } } } },
  },
  'SC-DP-2': {
    compliant: { resources: { aws_db_instance: { db: { backup_retention_period: 14 } } } },
    nonCompliant: { resources: { aws_db_instance: { db: { backup_retention_period: 1 } } } },
  },
  'SC-DP-3': {
    compliant: { resources: { aws_db_instance: { db: { skip_final_snapshot: false, final_snapshot_identifier: 'db-final' } } } },
    nonCompliant: { resources: { aws_db_instance: { db: { skip_final_snapshot: true } } } },
  },
  'SC-DP-4': {
    compliant: { resources: { aws_elasticache_replication_group: { r: { snapshot_retention_limit: 7, final_snapshot_identifier: 'r-final' } } } },
    nonCompliant: { resources: { aws_elasticache_replication_group: { r: { snapshot_retention_limit: 0 } } } },
  },
  'SC-DP-5': {
    compliant: { resources: { aws_kms_key: { k: { enable_key_rotation: true, lifecycle: { prevent_destroy: true } } } } },
    nonCompliant: { resources: { aws_opensearch_domain: { d: { domain_name: 'd' } } } },
  },
  'SC-DP-6': {
    compliant: { resources: { aws_lb: { a: { enable_deletion_protection: true } } } },
    nonCompliant: { resources: { aws_lb: { a: { enable_deletion_protection: false } } } },
  },
  'SC-DP-7': {
    compliant: { resources: { aws_instance: { i: { disable_api_termination: true } } } },
    nonCompliant: { resources: { aws_instance: { i: { ami: 'ami-1' } } } },
  },
  'SC-DP-8': {
    compliant: { resources: { aws_ebs_volume: { v: { final_snapshot: true } } } },
    nonCompliant: { resources: { aws_ebs_volume: { v: { size: 10 } } } },
  },
  'SC-DP-9': {
    compliant: { resources: bucket({ aws_s3_bucket_versioning: { v: { bucket: BUCKET_ID, versioning_configuration: { status: 'Enabled' } } } }) },
    nonCompliant: { resources: bucket({ aws_s3_bucket_versioning: { v: { bucket: BUCKET_ID, versioning_configuration: { status: 'Suspended' } } } }) },
  },
  'SC-DP-10': {
    // A tagged bucket and an RDS primary by ARN, with the read replica left out: every selection picks something.
    compliant: {
      resources: {
        aws_s3_bucket: { assets: { bucket: 'fx-assets', tags: { 'stagecraft:backup': 'daily' } }, backups: { bucket: 'fx-backups' } },
        aws_db_instance: { primary: { engine: 'postgres' }, replica: { replicate_source_db: '${aws_db_instance.primary.identifier}' } },
        aws_backup_selection: {
          tagged: { plan_id: '${aws_backup_plan.p.id}', selection_tag: [{ type: 'STRINGEQUALS', key: 'stagecraft:backup', value: 'daily' }] },
          resources: { plan_id: '${aws_backup_plan.p.id}', resources: ['${aws_db_instance.primary.arn}', 'arn:aws:s3:::fx-backups'] },
        },
      },
    },
    // Review M1: the selection's tag is on nothing, so the bucket is not backed up and the selection backs up nothing.
    nonCompliant: {
      resources: {
        aws_s3_bucket: { assets: { bucket: 'fx-assets' } },
        aws_backup_selection: {
          tagged: { plan_id: '${aws_backup_plan.p.id}', selection_tag: [{ type: 'STRINGEQUALS', key: 'stagecraft:backup', value: 'daily' }] },
        },
      },
    },
  },
  // Logging
  'SC-LOG-1': {
    compliant: { resources: { aws_eks_cluster: { e: { enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] } } } },
    nonCompliant: { resources: { aws_eks_cluster: { e: { enabled_cluster_log_types: ['api'] } } } },
  },
  'SC-LOG-2': {
    compliant: { resources: { aws_lb: { a: { load_balancer_type: 'application', access_logs: { bucket: 'logs', enabled: true } } } } },
    nonCompliant: { resources: { aws_lb: { a: { load_balancer_type: 'application' } } } },
  },
  'SC-LOG-3': {
    compliant: { resources: { aws_db_instance: { db: { engine: 'postgres', enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'] } } } },
    nonCompliant: { resources: { aws_db_instance: { db: { engine: 'postgres' } } } },
  },
  'SC-LOG-4': {
    compliant: {
      resources: {
        aws_opensearch_domain: {
          d: {
            log_publishing_options: [
              { log_type: 'ES_APPLICATION_LOGS', cloudwatch_log_group_arn: 'a', enabled: true },
              { log_type: 'AUDIT_LOGS', cloudwatch_log_group_arn: 'b' },
            ],
          },
        },
      },
    },
    nonCompliant: { resources: { aws_opensearch_domain: { d: { log_publishing_options: [{ log_type: 'INDEX_SLOW_LOGS', cloudwatch_log_group_arn: 'a' }] } } } },
  },
  'SC-LOG-5': {
    compliant: { resources: { aws_msk_cluster: { k: { logging_info: { broker_logs: { cloudwatch_logs: { enabled: true, log_group: 'g' } } } } } } },
    nonCompliant: { resources: { aws_msk_cluster: { k: { cluster_name: 'k' } } } },
  },
  'SC-LOG-6': {
    compliant: { resources: { aws_mq_broker: { m: { logs: { general: true } } } } },
    nonCompliant: { resources: { aws_mq_broker: { m: { broker_name: 'm' } } } },
  },
  'SC-LOG-7': {
    compliant: {
      resources: {
        aws_elasticache_replication_group: {
          r: { log_delivery_configuration: [{ destination: 'g', destination_type: 'cloudwatch-logs', log_format: 'json', log_type: 'slow-log' }] },
        },
      },
    },
    nonCompliant: { resources: { aws_elasticache_replication_group: { r: { engine: 'redis' } } } },
  },
  'SC-LOG-8': {
    compliant: { resources: { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } }, aws_flow_log: { f: { vpc_id: '${aws_vpc.v.id}', traffic_type: 'ALL' } } } },
    nonCompliant: { resources: { aws_vpc: { v: { cidr_block: '10.0.0.0/16' } } } },
  },
  'SC-LOG-9': {
    compliant: { resources: bucket({ aws_s3_bucket_logging: { l: { bucket: BUCKET_ID, target_bucket: '${aws_s3_bucket.logs.id}', target_prefix: 'b/' } } }) },
    nonCompliant: { resources: bucket() },
  },
  'SC-LOG-10': {
    compliant: { resources: { aws_cloudwatch_log_group: { g: { retention_in_days: 30 } } } },
    nonCompliant: { resources: { aws_cloudwatch_log_group: { g: { name: 'g' } } } },
  },
  // KMS
  'SC-KMS-1': {
    compliant: { resources: { aws_kms_key: { k: { enable_key_rotation: true } } } },
    nonCompliant: { resources: { aws_kms_key: { k: { description: 'k' } } } },
  },
  'SC-KMS-2': {
    compliant: { resources: { aws_kms_key: { k: { deletion_window_in_days: 30 } } } },
    nonCompliant: { resources: { aws_kms_key: { k: { deletion_window_in_days: 7 } } } },
  },
  // TLS
  'SC-TLS-1': {
    compliant: { resources: { aws_lb_listener: { https: { port: 443, protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } } } },
    nonCompliant: { resources: { aws_lb_listener: { https: { port: 443, protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-2016-08' } } } },
  },
  'SC-TLS-2': {
    compliant: { resources: { aws_opensearch_domain: { d: { domain_endpoint_options: { tls_security_policy: 'Policy-Min-TLS-1-2-2019-07' } } } } },
    nonCompliant: { resources: { aws_opensearch_domain: { d: { domain_endpoint_options: { tls_security_policy: 'Policy-Min-TLS-1-0-2019-07' } } } } },
  },
  'SC-TLS-3': {
    compliant: { resources: { cloudflare_zone_setting: { tls: { zone_id: 'z', setting_id: 'min_tls_version', value: '1.2' } } } },
    nonCompliant: { resources: { cloudflare_zone_setting: { tls: { zone_id: 'z', setting_id: 'min_tls_version', value: '1.0' } } } },
  },
  // Kubernetes pod hardening
  'SC-K8S-1': {
    compliant: { resources: deployment(withSecurity({ run_as_non_root: undefined }), { run_as_non_root: true }) },
    nonCompliant: { resources: deployment(withSecurity({ run_as_non_root: false })) },
  },
  'SC-K8S-2': {
    compliant: { resources: deployment(HARDENED_CONTAINER) },
    nonCompliant: { resources: deployment(withSecurity({ read_only_root_filesystem: false })) },
  },
  'SC-K8S-3': {
    compliant: { resources: deployment(HARDENED_CONTAINER) },
    nonCompliant: { resources: deployment(withSecurity({ allow_privilege_escalation: undefined })) },
  },
  'SC-K8S-4': {
    compliant: { resources: deployment(HARDENED_CONTAINER) },
    nonCompliant: { resources: deployment(withSecurity({ capabilities: { drop: ['NET_RAW'] } })) },
  },
  'SC-K8S-5': { compliant: { resources: deployment(HARDENED_CONTAINER) }, nonCompliant: { resources: deployment(withSecurity({ privileged: true })) } },
  'SC-K8S-6': { compliant: { resources: deployment(HARDENED_CONTAINER) }, nonCompliant: { resources: deployment(without('readiness_probe')) } },
  'SC-K8S-7': { compliant: { resources: deployment(HARDENED_CONTAINER) }, nonCompliant: { resources: deployment(without('resources')) } },
  'SC-K8S-8': {
    compliant: { resources: secretConsumer({ dependsOn: ['kubernetes_job_v1.certs'] }) },
    nonCompliant: { resources: secretConsumer({ dependsOn: [] }) },
  },
  'SC-K8S-9': {
    compliant: { resources: provisionConsumer({ dependsOn: ['kubernetes_job_v1.users'] }) },
    nonCompliant: { resources: provisionConsumer({ dependsOn: [] }) },
    unresolved: { resources: provisionConsumer({ dependsOn: ['kubernetes_job_v1.users'], env: { DATABASE_USER: '${var.user}' } }) },
  },
  'SC-K8S-10': {
    compliant: { resources: queueScaled() },
    nonCompliant: {
      resources: queueScaled((o) => {
        delete o['scaler-role'];
      }),
    },
    unresolved: {
      resources: queueScaled((o) => {
        const container = (o['scaler-deployment'].spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } })
          .template.spec.containers[0];
        container.env = container.env.map((e) => (e.name === 'QUEUE_SCALER_TARGETS' ? { ...e, value: '${var.targets}' } : e));
      }),
    },
  },
  // Injection
  'SC-INJ-1': {
    compliant: {
      resources: {
        aws_vpc: { vpc: { cidr_block: '10.0.0.0/16', tags: { team: '$${file("/etc/hostname")}', note: '%%{ for x in y }' } } },
        aws_subnet: { a: { vpc_id: '${aws_vpc.vpc.id}', tags: { Name: '${join("-", [data.aws_region.here.name, "a"])}' } } },
      },
    },
    nonCompliant: { resources: { aws_vpc: { vpc: { cidr_block: '10.0.0.0/16', tags: { team: '${file("/etc/hostname")}' } } } } },
  },
  // Stage-aware
  'SC-STG-1': {
    compliant: {
      stage: 'growth',
      resources: {
        aws_db_instance: {
          primary: { identifier: 'db', engine: 'postgres', multi_az: true },
          replica: { identifier: 'db-r', replicate_source_db: '${aws_db_instance.primary.identifier}' },
        },
      },
    },
    nonCompliant: { stage: 'scale', resources: { aws_db_instance: { primary: { identifier: 'db', engine: 'postgres', multi_az: false } } } },
  },
  'SC-STG-2': {
    compliant: {
      stage: 'growth',
      resources: { aws_elasticache_replication_group: { r: { automatic_failover_enabled: true, multi_az_enabled: true, num_cache_clusters: 2 } } },
    },
    nonCompliant: { stage: 'growth', resources: { aws_elasticache_replication_group: { r: { automatic_failover_enabled: false, num_cache_clusters: 1 } } } },
  },
  'SC-STG-3': {
    compliant: {
      stage: 'launch',
      resources: {
        aws_instance: { host: { tags: { Name: 'host', 'stagecraft:backup': 'daily' } } },
        aws_backup_plan: { p: { name: 'p', rule: [{ rule_name: 'daily', lifecycle: { delete_after: 7 } }] } },
        aws_backup_selection: {
          s: { plan_id: '${aws_backup_plan.p.id}', selection_tag: [{ type: 'STRINGEQUALS', key: 'stagecraft:backup', value: 'daily' }] },
        },
      },
    },
    nonCompliant: { stage: 'launch', resources: { aws_instance: { host: { tags: { Name: 'host' } } } } },
  },
  'SC-STG-4': {
    compliant: {
      stage: 'massive',
      resources: { aws_eks_node_group: { crdb: { node_group_name: 'cockroachdb' } } },
      otherRegions: { 'eu-west-1': { aws_eks_node_group: { crdb: { node_group_name: 'cockroachdb' } } }, 'ap-northeast-1': {} },
    },
    nonCompliant: { stage: 'massive', resources: { aws_db_instance: { db: { engine: 'postgres' } } } },
  },
  'SC-STG-5': {
    compliant: { stage: 'traction', resources: { aws_instance: { host: { ami: 'ami-1' } } } },
    nonCompliant: { stage: 'growth', resources: { aws_instance: { host: { ami: 'ami-1' } } } },
  },
  'SC-STG-6': {
    compliant: releaseFixture(),
    nonCompliant: releaseFixture({ object: false }),
    unresolved: releaseFixture({ policy: '${data.aws_iam_policy_document.read.json}' }),
  },
  'SC-STG-7': {
    compliant: secretsReleaseFixture(),
    nonCompliant: secretsReleaseFixture({ script: false }),
    unresolved: secretsReleaseFixture({ composeContent: 'services: [' }),
  },

  'SC-STG-8': {
    compliant: hostFitFixture('t3.large', { api: ['2', '2048M'], gateway: ['2', '4096M'] }),
    nonCompliant: hostFitFixture('t3.medium', { api: ['2', '2048M'], gateway: ['4', '4096M'] }),
    unresolved: hostFitFixture('${var.type}', { api: ['2', '2048M'] }),
  },
  // Preflight
  'SC-PRE-1': {
    compliant: { cloudflare: { plan: 'business', addons: ['loadBalancing'] }, resources: { cloudflare_load_balancer_monitor: { m: { interval: 15 } } } },
    nonCompliant: { cloudflare: ENTERPRISE_ALL, resources: { cloudflare_load_balancer_monitor: { m: { interval: 5, timeout: 3 } } } },
    unresolved: { cloudflare: ENTERPRISE_ALL, resources: { cloudflare_load_balancer_monitor: { m: { interval: '${var.interval}' } } } },
  },
  'SC-PRE-2': {
    compliant: { cloudflare: { plan: 'pro', addons: ['loadBalancing'] }, resources: { cloudflare_load_balancer: { lb: { steering_policy: 'off' } } } },
    nonCompliant: { cloudflare: PRO, resources: { cloudflare_load_balancer: { lb: { steering_policy: 'off' } } } },
  },
  'SC-PRE-3': {
    compliant: { cloudflare: { plan: 'pro', addons: ['loadBalancing'] }, resources: { cloudflare_load_balancer: { lb: { steering_policy: 'off' } } } },
    nonCompliant: {
      cloudflare: { plan: 'enterprise', addons: ['loadBalancing'] },
      resources: { cloudflare_load_balancer: { lb: { steering_policy: 'geo', region_pools: { WEU: ['p'] } } } },
    },
  },
  'SC-PRE-4': {
    compliant: { cloudflare: PRO, resources: rateLimits([PRO_RULE]) },
    nonCompliant: { cloudflare: PRO, resources: rateLimits([ENTERPRISE_RULE]) },
  },
  'SC-PRE-15': {
    compliant: { cloudflare: PRO, resources: customRules('starts_with(lower(url_decode(http.request.uri.path)), "/api/")') },
    nonCompliant: {
      cloudflare: PRO,
      resources: customRules('lower(http.request.uri.path) matches "%25" or regex_replace(http.request.uri.path, "a", "b") eq "b"'),
    },
  },
  'SC-PRE-5': {
    compliant: { cloudflare: PRO, resources: rateLimits([PRO_RULE, { ...PRO_RULE, ref: 'b' }]) },
    nonCompliant: { cloudflare: PRO, resources: rateLimits([PRO_RULE, { ...PRO_RULE, ref: 'b' }, { ...PRO_RULE, ref: 'c' }]) },
  },
  'SC-PRE-6': {
    compliant: {
      cloudflare: ENTERPRISE_ALL,
      resources: { cloudflare_workers_script: { w: { bindings: [{ type: 'durable_object_namespace', name: 'RATE_LIMITER', class_name: 'RateLimiter' }] } } },
    },
    nonCompliant: {
      cloudflare: { plan: 'enterprise', addons: [] },
      resources: { cloudflare_workers_script: { w: { migrations: { new_tag: 'v1', new_sqlite_classes: ['RateLimiter'] } } } },
    },
  },
  'SC-PRE-7': {
    compliant: { resources: nodeGroupKey(FIXED_KEY_POLICY) },
    nonCompliant: { resources: nodeGroupKey(PRE_FIX.keyPolicy) },
    unresolved: { resources: nodeGroupKey('${data.aws_iam_policy_document.key.json}') },
  },
  'SC-PRE-8': {
    compliant: { resources: serviceKey(FIXED_KEY_POLICY) },
    nonCompliant: { resources: serviceKey(PRE_FIX.keyPolicy) },
  },
  'SC-PRE-9': {
    compliant: {
      resources: {
        aws_db_parameter_group: { pg: { name_prefix: 'acme-growth-us-east-1-postgres16-', family: 'postgres16', lifecycle: { create_before_destroy: true } } },
      },
    },
    nonCompliant: {
      resources: {
        aws_db_parameter_group: { pg: { name: 'acme-growth-us-east-1-postgres16', family: 'postgres16', lifecycle: { create_before_destroy: true } } },
      },
    },
  },
  'SC-PRE-16': {
    compliant: {
      resources: {
        kubernetes_job_v1: {
          init: {
            metadata: { name: 'cockroachdb-ca-bootstrap', namespace: 'cockroachdb' },
            spec: { template: { metadata: {}, spec: { container: [{ name: 'x' }] } } },
          },
        },
        kubernetes_manifest: { rotation: { manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'search-index-rotation-38dce812' } } } },
      },
    },
    nonCompliant: {
      resources: {
        kubernetes_job_v1: {
          init: {
            metadata: { name: 'cockroachdb-ca-bootstrap', namespace: 'cockroachdb' },
            spec: { template: { metadata: {}, spec: { container: [{ name: 'x' }] } } },
            lifecycle: { create_before_destroy: true },
          },
        },
      },
    },
  },
  'SC-PRE-10': {
    compliant: {
      resources: {
        aws_db_instance: { db: { engine: 'postgres', final_snapshot_identifier: 'db-final-${formatdate("YYYYMMDDhhmm", terraform_data.created.output)}' } },
      },
    },
    nonCompliant: {
      resources: { aws_elasticache_replication_group: { r: { replication_group_id: 'r', final_snapshot_identifier: 'acme-massive-us-east-1-redis-final' } } },
    },
  },
  'SC-PRE-11': {
    compliant: { resources: { aws_db_instance: { db: { engine: 'postgres', engine_version: '16', auto_minor_version_upgrade: true } } } },
    nonCompliant: { resources: { aws_db_instance: { db: { engine: 'postgres', engine_version: '16.6', auto_minor_version_upgrade: true } } } },
    unresolved: { resources: { aws_db_instance: { db: { engine: 'postgres', engine_version: '${var.version}' } } } },
  },
  'SC-PRE-12': {
    compliant: {
      resources: {
        ...serviceKey(FIXED_KEY_POLICY),
        aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: KEY, depends_on: ['aws_kms_key_policy.policy'] } },
      },
    },
    nonCompliant: { resources: serviceKey(FIXED_KEY_POLICY) },
  },
  'SC-PRE-13': {
    compliant: {
      resources: {
        ...bucket({ aws_s3_bucket_policy: { p: { bucket: BUCKET_ID, policy: '{}' } } }),
        aws_lb: { alb: { access_logs: { bucket: '${aws_s3_bucket.b.bucket}', enabled: true }, depends_on: ['aws_s3_bucket_policy.p'] } },
      },
    },
    nonCompliant: {
      resources: {
        ...bucket({ aws_s3_bucket_policy: { p: { bucket: BUCKET_ID, policy: '{}' } } }),
        aws_lb: { alb: { access_logs: { bucket: '${aws_s3_bucket.b.bucket}', enabled: true } } },
      },
    },
  },
  'SC-PRE-14': {
    compliant: { resources: { cloudflare_dns_record: { 'acm-validation': { for_each: '${toset(["acme-example.com"])}', name: '${each.key}' } } } },
    nonCompliant: {
      resources: { cloudflare_dns_record: { 'acm-validation': { for_each: PRE_FIX.acmForEach, name: '${each.value[0].resource_record_name}' } } },
    },
  },
  'SC-PRE-17': {
    compliant: { resources: chainedRole(['sts:AssumeRole', 'sts:TagSession'], ['sts:AssumeRole', 'sts:TagSession']) },
    nonCompliant: { resources: chainedRole(['sts:AssumeRole'], ['sts:AssumeRole']) },
    unresolved: {
      resources: {
        aws_iam_role: { job: { name: 'job', assume_role_policy: '${data.aws_iam_policy_document.trust.json}' } },
        aws_eks_pod_identity_association: { job: { namespace: 'operations', service_account: 'job', role_arn: '${aws_iam_role.job.arn}' } },
      },
    },
  },
  'SC-PRE-18': {
    compliant: { resources: scriptJob('curl --aws-sigv4 "aws:amz:$AWS_REGION:es" "https://$SEARCH_ENDPOINT/_plugins/_ism/policies/rollover"') },
    nonCompliant: {
      resources: scriptJob(
        `cluster=$(printf "%s" "$KAFKA_CLUSTER_ARN" | sed "s/:/%3A/g; s#/#%2F#g")\n${SIGNED_CURL} "https://kafka.$AWS_REGION.amazonaws.com/v1/clusters/$cluster/topics"`,
      ),
    },
  },
  'SC-PRE-19': {
    compliant: { resources: { ...R2_WRITER, ...R2_WRITTEN, ...waitingDeployment('${aws_secretsmanager_secret.r2.arn}') } },
    nonCompliant: { resources: { ...R2_WRITER, ...waitingDeployment('${aws_secretsmanager_secret.r2.arn}') } },
  },
  'SC-PRE-20': {
    compliant: { resources: ACCOUNT_LITERAL, awsProvider: { allowed_account_ids: ['111122223333'] } },
    nonCompliant: { resources: ACCOUNT_LITERAL, awsProvider: {} },
  },
  'SC-PRE-21': {
    compliant: { resources: bucket(), awsProvider: { allowed_account_ids: ['111122223333'] } },
    nonCompliant: { resources: bucket(), awsProvider: {} },
  },
  'SC-PRE-22': { compliant: JOINS_PRIMARY(['fx-us-east-1']), nonCompliant: JOINS_PRIMARY([]) },
  // Request path: one apps stack with its regional and edge stacks (request-path-fixtures.ts)
  'SC-REQ-1': { compliant: clusterRegion(), nonCompliant: clusterRegion('aws_lb_listener_rule.api') },
  'SC-REQ-2': { compliant: clusterRegion(), nonCompliant: clusterRegion('aws_vpc_security_group_ingress_rule.redis-from-nodes') },
  'SC-REQ-4': { compliant: originMonitorEdge(), nonCompliant: originMonitorEdge(['example.com', 'api.example.com']) },
  // More fixtures of this rule, and the examples with a credential removed: test/policies/data-store-credential.test.ts.
  'SC-REQ-3': {
    compliant: credentialFixture(['rds-db:connect']),
    nonCompliant: credentialFixture(['rds-db:describe']),
  },
};

describe('the rule set', () => {
  it('has one rule per file, named after the file, under its family folder', () => {
    const root = join(__dirname, '..', '..', 'policies', 'rules');
    const files = RULE_FAMILIES.flatMap((family) =>
      readdirSync(join(root, family))
        .filter((f) => /^[A-Z].*\.ts$/.test(f))
        .map((f) => `${family}/${f.replace(/\.ts$/, '')}`),
    );
    expect(files.sort()).toEqual(ALL_RULES.map((r) => `${r.family}/${r.name}`).sort());
  });

  it('numbers rule ids per family, SC-<family code>-<n>, without gaps or duplicates', () => {
    for (const family of RULE_FAMILIES) {
      const ids = ALL_RULES.filter((r) => r.family === family).map((r) => r.id);
      expect(ids).toEqual(ids.map((_, i) => `SC-${FAMILY_CODES[family]}-${i + 1}`));
    }
  });

  it('gives every rule a level and an explanation in the stagecraft pack, and nothing else', () => {
    expect(STAGECRAFT_PACK.rules.map((entry) => entry.rule.id).sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
    for (const entry of STAGECRAFT_PACK.rules) expect(entry.explanation.length).toBeGreaterThan(20);
  });

  it('has a compliant and a non-compliant fixture for every rule', () => {
    expect(Object.keys(CASES).sort()).toEqual(ALL_RULES.map((r) => r.id).sort());
  });
});

describe.each(ALL_RULES.map((rule) => [`${rule.id} ${rule.name}`, rule] as const))('%s', (_, rule) => {
  const cases = CASES[rule.id];

  it('passes the compliant fixture', () => {
    const outcomes = evaluate(rule, cases.compliant);
    expect(outcomes.map((o) => o.status)).toContain('compliant');
    expect(outcomes.filter((o) => o.status === 'non-compliant' || o.status === 'could-not-evaluate')).toEqual([]);
  });

  it('flags the non-compliant fixture with a message', () => {
    const failed = evaluate(rule, cases.nonCompliant).filter((o) => o.status === 'non-compliant');
    expect(failed).not.toHaveLength(0);
    for (const outcome of failed) expect(outcome).toMatchObject({ status: 'non-compliant', message: expect.stringMatching(/\S{3}/) });
  });

  if (cases.unresolved) {
    it('reports an unresolved expression as "could not evaluate", never as a pass', () => {
      expect(evaluate(rule, cases.unresolved as Fixture).map((o) => o.status)).toEqual(['could-not-evaluate']);
    });
  }
});

describe('stage awareness', () => {
  it('lets traction run one cache node, but not growth', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-STG-2')!;
    const single: Resources = { aws_elasticache_replication_group: { r: { automatic_failover_enabled: false, num_cache_clusters: 1 } } };
    expect(evaluate(rule, { stage: 'traction', resources: single }).map((o) => o.status)).toEqual(['not-applicable']);
    expect(evaluate(rule, { stage: 'growth', resources: single }).map((o) => o.status)).toEqual(['non-compliant']);
  });

  it('SC-EAR-18 names the outsider role, a second in-state secret and a copy beyond the broker', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-EAR-18')!;
    expect(evaluate(rule, CASES['SC-EAR-18'].nonCompliant)).toEqual([
      {
        address: 'aws_secretsmanager_secret.admin',
        status: 'non-compliant',
        message:
          'aws_secretsmanager_secret.admin holds the broker admin password, and aws_iam_role.job may read it; only the operations Jobs (Pod Identity in the operations namespace), or on hosts the instance role for the one-shot rabbitmq-users service alone, may',
      },
    ]);
    const second = brokerAdmin('operations');
    second.aws_secretsmanager_secret_version.redis = { secret_id: 's', secret_string: '${replace(uuid(), "-", "")}' };
    second.aws_elasticache_replication_group = { r: { auth_token: '${aws_secretsmanager_secret_version.admin.secret_string}' } };
    expect(evaluate(rule, { resources: second }).map((o) => (o.status === 'non-compliant' ? o.message : o.status))).toEqual([
      "aws_secretsmanager_secret_version.admin.secret_string is kept in state for aws_mq_broker.mq, and may be only one broker's admin password; also copied into aws_elasticache_replication_group.r.auth_token",
      "aws_secretsmanager_secret_version.redis.secret_string keeps a generated value in state that is no Amazon MQ broker's admin password; write it through secret_string_wo",
    ]);
  });

  it('SC-EAR-18 lets a host read the admin password only for the one-shot rabbitmq-users service, emptied after each up', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-EAR-18')!;
    /** A traction host whose instance role reads the admin secret by its name's ARN, and its release: who mounts the file, whether it is emptied. */
    const onHost = (mounting: string[], transient: boolean): Resources => {
      const resources = brokerAdmin('operations');
      delete resources.aws_eks_pod_identity_association;
      resources.aws_iam_instance_profile = { host: { role: '${aws_iam_role.job.name}' } };
      resources.aws_iam_role_policy.job.policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['arn:aws:secretsmanager:eu-central-1:111122223333:secret:admin-??????'] },
        ],
      });
      const drop = transient ? `    if [ -f "$DIR"/'rabbitmq-admin' ]; then : > "$DIR"/'rabbitmq-admin'; fi\n` : '';
      const services = Object.fromEntries(mounting.filter((name) => name !== 'api').map((name) => [name, { image: 'x:1', secrets: ['rabbitmq-admin'] }]));
      const api = { image: 'api:1', secrets: ['queue-api', ...(mounting.includes('api') ? ['rabbitmq-admin'] : [])] };
      resources.aws_s3_object = {
        script: {
          bucket: 'r',
          key: 'release/stagecraft-fetch-secrets',
          content: `DIR='/run/stagecraft/secrets'\ncase "$mode" in\n  --drop-transient)\n${drop}    exit 0 ;;\nesac\nfetch 'rabbitmq-admin' '$\${aws_secretsmanager_secret.admin.arn}'\n`,
        },
        compose: { bucket: 'r', key: 'release/compose.yaml', content: JSON.stringify({ services: { ...services, api } }) },
      };
      return resources;
    };
    const outcome = (resources: Resources) =>
      evaluate(rule, { stage: 'traction', resources }).map((o) => (o.status === 'non-compliant' ? o.message : o.status));
    expect(outcome(onHost(['rabbitmq-users'], true))).toEqual(['compliant']);
    expect(outcome(onHost(['rabbitmq-users', 'api'], true))).toEqual([
      'aws_secretsmanager_secret.admin holds the broker admin password, and aws_iam_role.job may read it (compose services api mount its file rabbitmq-admin; only rabbitmq-users may); only the operations Jobs (Pod Identity in the operations namespace), or on hosts the instance role for the one-shot rabbitmq-users service alone, may',
    ]);
    expect(outcome(onHost(['rabbitmq-users'], false))).toEqual([
      "aws_secretsmanager_secret.admin holds the broker admin password, and aws_iam_role.job may read it (the release's secret script keeps its file rabbitmq-admin after compose comes up (--drop-transient)); only the operations Jobs (Pod Identity in the operations namespace), or on hosts the instance role for the one-shot rabbitmq-users service alone, may",
    ]);
    // A role that is neither a host's nor an operations Job's, granted by the secret's name: found all the same.
    const byName = onHost(['rabbitmq-users'], true);
    delete byName.aws_iam_instance_profile;
    expect(outcome(byName)).toEqual([
      'aws_secretsmanager_secret.admin holds the broker admin password, and aws_iam_role.job may read it; only the operations Jobs (Pod Identity in the operations namespace), or on hosts the instance role for the one-shot rabbitmq-users service alone, may',
    ]);
  });

  it('names the generated secret and every argument that copies it into state', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-EAR-17')!;
    expect(evaluate(rule, CASES['SC-EAR-17'].nonCompliant)).toEqual([
      {
        address: 'aws_secretsmanager_secret_version.v',
        status: 'non-compliant',
        message:
          'secret_string holds a value Terraform generates (uuid()), which state keeps in plain text; write it through a write-only argument (e.g. secret_string_wo with secret_string_wo_version) or let the service manage the password',
      },
      {
        address: 'aws_elasticache_replication_group.r',
        status: 'non-compliant',
        message: 'auth_token copies the generated value of aws_secretsmanager_secret_version.v, so state keeps it in plain text here too',
      },
    ]);
    // The random provider's results count too, wherever they land.
    expect(evaluate(rule, { resources: { aws_mq_broker: { b: { user: [{ username: 'admin', password: '${random_password.admin.result}' }] } } } })).toEqual([
      expect.objectContaining({ address: 'aws_mq_broker.b', status: 'non-compliant' }),
    ]);
  });

  it('names both halves of a backup that picks nothing: the resource left out and the selection that matches nothing', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-DP-10')!;
    expect(evaluate(rule, CASES['SC-DP-10'].nonCompliant)).toEqual([
      {
        address: 'aws_s3_bucket.assets',
        status: 'non-compliant',
        message: 'this bucket keeps data, but no aws_backup_selection picks it (tag it stagecraft:backup=daily or add its ARN to a selection)',
      },
      {
        address: 'aws_backup_selection.tagged',
        status: 'non-compliant',
        message:
          'selects tag stagecraft:backup=daily, but no resource of this stack matches: it backs up nothing; tag what it should protect, or select by ARN',
      },
    ]);
    // The provider's default tags count, as AWS Backup sees them; a read replica is not a target.
    const byDefaultTag = {
      stage: 'growth' as const,
      resources: {
        aws_db_instance: { replica: { replicate_source_db: 'db' } },
        aws_backup_selection: { tagged: { selection_tag: [{ type: 'STRINGEQUALS', key: 'stagecraft:stage', value: 'growth' }] } },
      },
    };
    expect(evaluate(rule, byDefaultTag)).toEqual([
      {
        address: 'aws_backup_selection.tagged',
        status: 'non-compliant',
        message:
          'selects tag stagecraft:stage=growth, but no resource of this stack matches: it backs up nothing; tag what it should protect, or select by ARN',
      },
    ]);
    expect(evaluate(rule, { ...byDefaultTag, resources: { ...byDefaultTag.resources, aws_s3_bucket: { b: { bucket: 'fx-b' } } } })).toEqual([
      { address: 'aws_s3_bucket.b', status: 'compliant' },
      { address: 'aws_backup_selection.tagged', status: 'compliant' },
    ]);
  });

  it('lets launch run a single host, but never without a backup plan keeping 7 days', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-STG-3')!;
    const shortPlan = {
      ...CASES['SC-STG-3'].compliant.resources,
      aws_backup_plan: { p: { name: 'p', rule: [{ rule_name: 'daily', lifecycle: { delete_after: 3 } }] } },
    };
    expect(evaluate(rule, { stage: 'launch', resources: shortPlan })).toEqual([
      { address: 'aws_instance.host', status: 'non-compliant', message: 'its backup plan keeps recovery points 3 days; keep them at least 7' },
    ]);
    expect(evaluate(rule, { stage: 'launch', resources: { aws_instance: { host: {} } } })).toEqual([
      {
        address: 'aws_instance.host',
        status: 'non-compliant',
        message: 'launch keeps its data on this host, but no aws_backup_selection picks it (tag it stagecraft:backup=daily)',
      },
    ]);
  });

  it('requires Multi-AZ with a replica from growth on only', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-STG-1')!;
    const single = CASES['SC-STG-1'].nonCompliant.resources;
    expect(evaluate(rule, { stage: 'traction', resources: single }).map((o) => o.status)).toEqual(['not-applicable']);
    expect(evaluate(rule, { stage: 'growth', resources: single })).toEqual([
      {
        address: 'aws_db_instance.primary',
        status: 'non-compliant',
        message: 'growth needs a Multi-AZ primary with a read replica: multi_az is not true and it has no read replica',
      },
    ]);
  });

  it('requires massive to span three regions, with CockroachDB and no RDS', () => {
    const rule = ALL_RULES.find((r) => r.id === 'SC-STG-4')!;
    expect(evaluate(rule, CASES['SC-STG-4'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'the environment has 1 region(s) (us-east-1); massive needs at least 3, so that losing one still leaves two; no CockroachDB node pool, StatefulSet or CockroachDB Cloud connection secret in this region; ' +
          'single-region databases aws_db_instance.db cannot serve writes in every region; use CockroachDB, or Postgres shards homed in every region (components.postgres.shards)',
      },
    ]);
  });
});

describe("Kubernetes pod hardening on the apps stacks' typed workload resources", () => {
  // The container rules; SC-K8S-8 (a stack rule about Secrets) has its own tests.
  const k8sRules = ALL_RULES.filter((rule) => rule.family === 'kubernetes-pod-hardening' && rule.scope === 'resource');
  const service = projectServiceCatalog().services.find((s) => s.name === 'api')!;
  const rendered = renderDeployment({ service, resources: service.resources, replicas: 2, bindings: {} });
  // As the apps stack applies it: the object converted to its typed resource (kubernetes_deployment_v1, …).
  const manifest = (object: any): Resources => {
    const { resourceType, arguments: args } = typedArguments(object);
    return { [resourceType]: { m: args } };
  };
  const changeContainer = (changes: Record<string, unknown>) => {
    const copy = structuredClone(rendered) as any;
    Object.assign(copy.spec.template.spec.containers[0], changes);
    return copy;
  };
  const statuses = (resources: Resources) => Object.fromEntries(k8sRules.map((rule) => [rule.id, evaluate(rule, { resources }).map((o) => o.status)]));

  it('finds the rendered Deployment compliant with every rule', () => {
    expect(statuses(manifest(rendered))).toEqual(Object.fromEntries(k8sRules.map((rule) => [rule.id, ['compliant']])));
  });

  it('flags a manifest container that loosens each setting', () => {
    const sc = (rendered as any).spec.template.spec.containers[0].securityContext;
    const flagged = (rule: string, changes: Record<string, unknown>) =>
      evaluate(
        k8sRules.find((r) => r.id === rule)!,
        { resources: manifest(changeContainer(changes)) },
      );
    expect(flagged('SC-K8S-2', { securityContext: { ...sc, readOnlyRootFilesystem: false } })[0]).toMatchObject({
      status: 'non-compliant',
      message: expect.stringContaining('container "api"'),
    });
    expect(flagged('SC-K8S-3', { securityContext: { ...sc, allowPrivilegeEscalation: true } })[0].status).toBe('non-compliant');
    expect(flagged('SC-K8S-4', { securityContext: { ...sc, capabilities: { drop: ['NET_RAW'] } } })[0].status).toBe('non-compliant');
    expect(flagged('SC-K8S-6', { readinessProbe: undefined })[0].status).toBe('non-compliant');
    expect(flagged('SC-K8S-7', { resources: { limits: { memory: '1Gi' } } })[0].status).toBe('non-compliant');
  });

  it('asks no probes of a Job, which runs to completion, but still checks its hardening', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate' },
      spec: { template: { spec: { ...(rendered as any).spec.template.spec, restartPolicy: 'Never' } } },
    };
    job.spec.template.spec.containers = [{ ...job.spec.template.spec.containers[0], livenessProbe: undefined, readinessProbe: undefined }];
    const status = statuses(manifest(job));
    expect(status['SC-K8S-6']).toEqual(['not-applicable']);
    expect(
      Object.entries(status)
        .filter(([id]) => id !== 'SC-K8S-6')
        .map(([, s]) => s),
    ).toEqual(Array(k8sRules.length - 1).fill(['compliant']));
  });

  it('does not apply to objects without a pod template', () => {
    const outcomes = k8sRules.flatMap((rule) =>
      evaluate(rule, { resources: manifest({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { ports: [] } }) }),
    );
    expect(outcomes).toEqual([]);
  });
});

describe('preflight: the pre-fix shapes of the 2026-12-07 review are caught', () => {
  const rule = (id: string) => ALL_RULES.find((r) => r.id === id)!;

  it('F1: the ACM validation for_each keyed by resource_record_name', () => {
    expect(evaluate(rule('SC-PRE-14'), CASES['SC-PRE-14'].nonCompliant)).toEqual([
      {
        address: 'cloudflare_dns_record.acm-validation',
        status: 'non-compliant',
        message:
          'for_each is keyed by option.resource_record_name of domain_validation_options, unknown until the certificate exists: terraform refuses the plan ("Invalid for_each argument"); key by the certificate\'s domain names',
      },
    ]);
  });

  it('F2: a monitor interval of 5 s, under the minimum of every plan', () => {
    expect(evaluate(rule('SC-PRE-1'), CASES['SC-PRE-1'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message: 'interval is 5 s; the enterprise plan (add-ons: loadBalancing, trafficSteering, advancedRateLimiting, workersPaid) allows 10 s or more',
      },
    ]);
    const on = (plan: CloudflareSubscription, interval: number) =>
      evaluate(rule('SC-PRE-1'), { cloudflare: plan, resources: { cloudflare_load_balancer_monitor: { m: { interval } } } })[0].status;
    expect([on(PRO, 15), on(PRO, 60), on({ plan: 'business', addons: [] }, 10), on({ plan: 'business', addons: [] }, 15)]).toEqual([
      'non-compliant',
      'compliant',
      'non-compliant',
      'compliant',
    ]);
  });

  it('F3: the regional key without the Auto Scaling service-linked role', () => {
    expect(evaluate(rule('SC-PRE-7'), CASES['SC-PRE-7'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'aws_launch_template.nodes encrypt volumes with this key, but its policy does not allow AWSServiceRoleForAutoScaling kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKeyWithoutPlaintext, kms:DescribeKey, kms:CreateGrant (kms:CreateGrant with kms:GrantIsForAWSResource); instances would terminate at launch',
      },
    ]);
  });

  it('S3: the pre-fix key lets CloudWatch alarms use it without a source condition', () => {
    expect(evaluate(rule('SC-PRE-8'), CASES['SC-PRE-8'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'alarm topic(s) aws_sns_topic.alarms use the key, but its policy does not allow CloudWatch (cloudwatch.amazonaws.com) with aws:SourceAccount or aws:SourceArn kms:Decrypt, kms:GenerateDataKey',
      },
    ]);
  });

  it('S3: a key that gives CloudWatch Logs and CloudWatch no source condition, and the account no unconditioned grant for Backup, fails for each user', () => {
    const statement = (sid: string, principal: Record<string, string>, actions: string[], condition?: Record<string, unknown>) => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: principal,
      Action: actions,
      Resource: '*',
      ...(condition ? { Condition: condition } : {}),
    });
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        // The account administers the key only from its own organization: no plain grant for Backup's service role.
        statement('AccountAdministers', { AWS: 'arn:aws:iam::111122223333:root' }, ['kms:*'], { StringEquals: { 'aws:PrincipalOrgID': 'o-example' } }),
        statement('CloudWatchAlarms', { Service: 'cloudwatch.amazonaws.com' }, ['kms:Decrypt', 'kms:GenerateDataKey*']),
        statement('CloudWatchLogs', { Service: 'logs.us-east-1.amazonaws.com' }, [
          'kms:Encrypt*',
          'kms:Decrypt*',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:Describe*',
        ]),
      ],
    });
    expect(evaluate(rule('SC-PRE-8'), { resources: serviceKey(policy) })).toEqual([
      {
        status: 'non-compliant',
        message: [
          '1 log group(s) use the key, but its policy does not allow CloudWatch Logs (logs.us-east-1.amazonaws.com) with a source condition kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:GenerateDataKey, kms:DescribeKey',
          'alarm topic(s) aws_sns_topic.alarms use the key, but its policy does not allow CloudWatch (cloudwatch.amazonaws.com) with aws:SourceAccount or aws:SourceArn kms:Decrypt, kms:GenerateDataKey',
          "backup vault(s) aws_backup_vault.v use the key, but its policy does not allow the account's IAM policies (the account root, which AWS Backup's service role acts through) kms:CreateGrant, kms:Decrypt, kms:GenerateDataKey, kms:DescribeKey",
        ].join('; '),
      },
    ]);
  });

  it('D5: a parameter group with create_before_destroy and a fixed name', () => {
    expect(evaluate(rule('SC-PRE-9'), CASES['SC-PRE-9'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'create_before_destroy with the fixed name "acme-growth-us-east-1-postgres16": a replacement cannot be created while the old one holds the name; use name_prefix',
      },
    ]);
  });

  it('issue 15: a role chained from a Pod Identity role without sts:TagSession, on either side', () => {
    expect(evaluate(rule('SC-PRE-17'), CASES['SC-PRE-17'].nonCompliant).filter((o) => o.status === 'non-compliant')).toEqual([
      {
        status: 'non-compliant',
        message:
          "the trust policy lets aws_iam_role.job (used through EKS Pod Identity) sts:AssumeRole but not sts:TagSession; Pod Identity's session tags are transitive, so the chained AssumeRole is refused: allow sts:TagSession for that principal",
      },
      {
        status: 'non-compliant',
        message:
          "aws_iam_role.job is used through EKS Pod Identity and may sts:AssumeRole on ${aws_iam_role.admin.arn} but not sts:TagSession; Pod Identity's session tags are transitive, so the chained AssumeRole is refused: allow sts:TagSession on the same roles",
      },
    ]);
    // A role assumed only by a role without a Pod Identity association (IRSA, a user) needs no TagSession.
    const { aws_eks_pod_identity_association: _association, ...withoutPodIdentity } = CASES['SC-PRE-17'].nonCompliant.resources;
    expect(evaluate(rule('SC-PRE-17'), { resources: withoutPodIdentity }).map((o) => o.status)).toEqual(['not-applicable', 'not-applicable', 'not-applicable']);
  });

  it('issue 15: curl signs a percent-encoded path for a service other than S3, but not for S3', () => {
    expect(evaluate(rule('SC-PRE-18'), CASES['SC-PRE-18'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'container "topics" signs kafka requests with curl --aws-sigv4 on a percent-encoded path: SigV4 for services other than S3 signs the path encoded twice, and curl before curl#17129 signs it as sent, so the request is refused (403 SignatureDoesNotMatch); use the AWS CLI or an SDK',
      },
    ]);
    const s3 = scriptJob('curl --aws-sigv4 "aws:amz:us-east-1:s3" "https://b.s3.amazonaws.com/a%3Db"');
    expect(evaluate(rule('SC-PRE-18'), { resources: s3 })).toEqual([{ status: 'compliant' }]);
    expect(evaluate(rule('SC-PRE-18'), { resources: scriptJob('aws kafka describe-topic --cluster-arn "$ARN"') }).map((o) => o.status)).toEqual([
      'not-applicable',
    ]);
  });

  it('issue 15: a rollout that waits for a secret the regional stack leaves empty, across stacks', () => {
    const crossStack = '${data.terraform_remote_state.cross-stack-reference-input-fx-eu-west-1.outputs.shared_r2-writer-secret_arn}';
    const fixture = (regional: Resources): Fixture => ({
      resources: waitingDeployment(crossStack),
      otherRegions: { 'eu-west-1': regional },
      outputs: { 'eu-west-1': { 'shared_r2-writer-secret_arn': '${aws_secretsmanager_secret.r2.arn}' } },
    });
    expect(evaluate(rule('SC-PRE-19'), fixture(R2_WRITER))).toEqual([
      {
        status: 'non-compliant',
        message:
          'its init containers wait for fx-eu-west-1 aws_secretsmanager_secret.r2 (fx/r2-writer), which no deploy gives a value: terraform waits for the rollout and fails the apply at the create timeout unless an operator puts it in time; write it in the deploy (secret_string_wo from an ephemeral variable) or stop waiting for the rollout',
      },
    ]);
    expect(evaluate(rule('SC-PRE-19'), fixture({ ...R2_WRITER, ...R2_WRITTEN }))).toEqual([{ status: 'compliant' }]);
    // A secret left to the operator on purpose says so.
    const byHand = { aws_secretsmanager_secret: { r2: { name: 'fx/api/STRIPE_KEY', tags: { 'stagecraft:value-from': 'operator' } } } };
    expect(evaluate(rule('SC-PRE-19'), fixture(byHand))).toEqual([{ status: 'compliant' }]);
    // Without wait_for_rollout the apply does not wait: the pods start when the value comes.
    expect(
      evaluate(rule('SC-PRE-19'), { resources: { ...R2_WRITER, ...waitingDeployment('${aws_secretsmanager_secret.r2.arn}', false) } }).map((o) => o.status),
    ).toEqual(['not-applicable']);
  });

  it('issue 15: an AWS provider without the account the stacks name in their ARNs, in any stack of the environment', () => {
    expect(evaluate(rule('SC-PRE-20'), CASES['SC-PRE-20'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'the stacks build ARNs with account 111122223333, but provider.aws sets no allowed_account_ids: credentials of another account would deploy everything there, pointing at this one; set allowed_account_ids',
      },
    ]);
    // The edge stack names no account itself; the regional stack of its environment does.
    expect(
      evaluate(rule('SC-PRE-20'), { resources: {}, otherRegions: { 'eu-west-1': ACCOUNT_LITERAL }, awsProvider: { allowed_account_ids: ['444455556666'] } }),
    ).toEqual([
      {
        status: 'non-compliant',
        message:
          'the stacks build ARNs with account 111122223333, but provider.aws allows only 444455556666: credentials of another account would deploy everything there, pointing at this one; set allowed_account_ids',
      },
    ]);
    // ARNs from the caller's identity, and AWS-owned :root principals (ELB log delivery), name no account of the environment.
    const fromCaller = {
      aws_s3_bucket_policy: {
        logs: {
          bucket: 'b',
          policy: JSON.stringify({
            Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::127311923021:root' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }],
          }),
        },
      },
      aws_iam_role_policy: {
        admin: { role: 'admin', policy: '${jsonencode({Resource = "arn:aws:es:us-east-1:${data.aws_caller_identity.current.account_id}:domain/fx/*"})}' },
      },
    };
    expect(evaluate(rule('SC-PRE-20'), { resources: fromCaller }).map((o) => o.status)).toEqual(['not-applicable']);
  });

  it('D2: a Job whose template change the API would refuse (patched in place, or replaced under a held name)', () => {
    expect(evaluate(rule('SC-PRE-16'), CASES['SC-PRE-16'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'create_before_destroy on the Job "cockroachdb-ca-bootstrap": a changed spec replaces the Job, and the new one cannot be created while the old one holds the name (AlreadyExists); use metadata.generate_name or drop create_before_destroy',
      },
    ]);
    const manifest = {
      resources: { kubernetes_manifest: { ca: { manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'cockroachdb-ca-bootstrap' } } } } },
    };
    expect(evaluate(rule('SC-PRE-16'), manifest)).toEqual([
      {
        status: 'non-compliant',
        message:
          'the Job "cockroachdb-ca-bootstrap" is applied as a kubernetes_manifest, which patches it in place: the API refuses any change to a Job\'s pod template (immutable); apply it as kubernetes_job_v1 (replaced on change) or end its name in a hash of what it runs',
      },
    ]);
  });

  it('a Job terraform manages with ttlSecondsAfterFinished: the cluster deletes it and the next apply re-runs it', () => {
    const template = { metadata: {}, spec: { container: [{ name: 'x' }] } };
    const typed = (spec: Record<string, unknown>) => ({
      resources: { kubernetes_job_v1: { users: { metadata: { name: 'database-users-1a2b3c4d', namespace: 'operations' }, spec: { ...spec, template } } } },
    });
    // The operations Jobs as they are now: no TTL, a hashed name, no create_before_destroy.
    expect(evaluate(rule('SC-PRE-16'), typed({ backoff_limit: '6' }))).toEqual([{ status: 'compliant' }]);
    expect(evaluate(rule('SC-PRE-16'), typed({ backoff_limit: '6', ttl_seconds_after_finished: '86400' }))).toEqual([
      {
        status: 'non-compliant',
        message:
          'the Job "database-users-1a2b3c4d" sets ttlSecondsAfterFinished (86400): the cluster deletes the finished Job, terraform then finds it gone and the next apply creates it again, re-running it; drop the TTL from a Job terraform manages',
      },
    ]);
    const manifest = (spec: Record<string, unknown>) => ({
      resources: {
        kubernetes_manifest: { job: { manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'search-index-rotation-38dce812' }, spec } } },
      },
    });
    expect(evaluate(rule('SC-PRE-16'), manifest({ backoffLimit: 6 }))).toEqual([{ status: 'compliant' }]);
    expect(evaluate(rule('SC-PRE-16'), manifest({ ttlSecondsAfterFinished: 0 }))).toEqual([
      {
        status: 'non-compliant',
        message:
          'the Job "search-index-rotation-38dce812" sets ttlSecondsAfterFinished (0): the cluster deletes the finished Job, terraform then finds it gone and the next apply creates it again, re-running it; drop the TTL from a Job terraform manages',
      },
    ]);
  });

  it('F6: rate limits counting by header and response code on a Pro zone', () => {
    expect(evaluate(rule('SC-PRE-4'), CASES['SC-PRE-4'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'rule "failed_logins_per_ip" counts by http.request.headers["authorization"] (Advanced Rate Limiting); rule "failed_logins_per_ip"\'s counting expression has a counting expression (Business and Enterprise); rule "failed_logins_per_ip" reads http.request.method (the pro plan allows http.request.uri.path, cf.bot_management.verified_bot, http.host, http.request.uri, http.request.full_uri, http.request.uri.query); the zone is on the pro plan (add-ons: none)',
      },
    ]);
  });

  it('a regular expression in a rate limit below Business, and a counting expression on Business', () => {
    const regex = { ...PRO_RULE, expression: 'lower(url_decode(http.request.uri.path)) matches "^/+api(/|$)"' };
    expect(evaluate(rule('SC-PRE-4'), { cloudflare: PRO, resources: rateLimits([regex]) })).toEqual([
      {
        status: 'non-compliant',
        message: 'rule "api_per_ip" uses the matches operator (Business and Enterprise); the zone is on the pro plan (add-ons: none)',
      },
    ]);
    const failed = { ...PRO_RULE, ratelimit: { ...PRO_RULE.ratelimit, counting_expression: `${regex.expression} and http.response.code in {401 403}` } };
    expect(
      evaluate(rule('SC-PRE-4'), { cloudflare: { plan: 'business', addons: [] }, resources: rateLimits([{ ...failed, expression: regex.expression }]) }),
    ).toEqual([{ status: 'compliant' }]);
  });

  it('issue 16: a rate limit on the plain login path names the spellings that escape it', () => {
    expect(evaluate(rule('SC-PUB-13'), CASES['SC-PUB-13'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'rule "logins_per_ip" does not count /API/AUTH/LOGIN, /api/auth/login/, /api%2Fauth/login, /api%2F/auth/login, /api/%2Fauth/login, and no WAF custom rule blocks them: they reach the origin unlimited (docs/edge-paths.md)',
      },
    ]);
  });

  it('a WAF custom rule with a regular expression on a Pro zone, and a rewrite-only function', () => {
    expect(evaluate(rule('SC-PRE-15'), CASES['SC-PRE-15'].nonCompliant)).toEqual([
      {
        status: 'non-compliant',
        message:
          'rule "r" uses the matches operator (Business and Enterprise); rule "r" uses regex_replace() (not available in rule filters); the zone is on the pro plan (add-ons: none)',
      },
    ]);
  });
});

describe('request path (SC-REQ-*): the first missing link, named with the service and the stack', () => {
  const rule = (id: string) => ALL_RULES.find((r) => r.id === id)!;
  const messages = (id: string, fixture: Fixture) => evaluate(rule(id), fixture).map((o) => (o.status === 'non-compliant' ? o.message : o.status));
  const suffix = '(service api, port http, stack fx-us-east-1-apps)';

  it('follows a public port from the DNS record to the NetworkPolicy', () => {
    expect(messages('SC-REQ-1', clusterRegion())).toEqual(['compliant']);
    expect(messages('SC-REQ-1', clusterRegion('aws_lb_listener_rule.api'))).toEqual([
      `listener rule: no rule of fx-edge's aws_lb_listener.https forwards to aws_lb_target_group.api ${suffix}`,
    ]);
    expect(messages('SC-REQ-1', clusterRegion('aws_autoscaling_attachment.registration'))).toEqual([
      `registration: no aws_autoscaling_attachment attaches a node group's Auto Scaling group to aws_lb_target_group.api ${suffix}`,
    ]);
    expect(messages('SC-REQ-1', clusterRegion('cloudflare_dns_record.origin'))).toEqual([`DNS record: no record in fx-edge points at aws_lb.alb ${suffix}`]);
    expect(messages('SC-REQ-1', clusterRegion('aws_vpc_security_group_ingress_rule.nodes-from-alb'))).toEqual([
      `security group rule: the nodes' security group does not admit aws_lb.alb's security group on node port 30168 ${suffix}`,
    ]);
    // The port is still known from the target group and the listener rule when the Service is gone.
    expect(messages('SC-REQ-1', clusterRegion('kubernetes_service_v1.service-public'))).toEqual([
      `NodePort Service: no NodePort Service in fx-us-east-1-apps selects api's pods with port http on node port 30168 ${suffix}`,
    ]);
  });

  it("takes each load balancer monitor's probe (the origin's address as Host) by a forwarding rule to a target group checking its path", () => {
    expect(messages('SC-REQ-4', originMonitorEdge())).toEqual(['compliant']);
    const probe = 'the probe of origin-us-east-1.example.com (Host origin-us-east-1.example.com, path /readyz)';
    expect(messages('SC-REQ-4', originMonitorEdge(['example.com', 'api.example.com']))).toEqual([
      `listener rule: no rule of aws_lb_listener.https forwards ${probe}; aws_lb_listener.https's default action answers it with fixed-response (stack fx-edge)`,
    ]);
    // The monitor's Host, when it sets one, is what the rule must take.
    const withHost = originMonitorEdge(['api.example.com']);
    (withHost.resources.cloudflare_load_balancer_monitor.monitor as any).header = { Host: ['API.example.com'] };
    expect(messages('SC-REQ-4', withHost)).toEqual(['compliant']);
    // Routed, but to a service that is not known to answer the probed path.
    const otherPath = originMonitorEdge();
    (otherPath.resources.cloudflare_load_balancer_monitor.monitor as any).path = '/healthz';
    expect(messages('SC-REQ-4', otherPath)).toEqual([
      'target group: aws_lb_listener_rule.api forwards the probe of origin-us-east-1.example.com (Host origin-us-east-1.example.com, path /healthz) to aws_lb_target_group.api, which checks /readyz: nothing there is known to answer /healthz (stack fx-edge)',
    ]);
  });

  it('finds a route to each data store a service declares', () => {
    expect(messages('SC-REQ-2', clusterRegion())).toEqual(['compliant']);
    expect(messages('SC-REQ-2', clusterRegion('aws_vpc_security_group_ingress_rule.redis-from-nodes'))).toEqual([
      "security group rule: no rule admits the nodes' security group to aws_security_group.redis on port 6379 (service api, data store redis, stack fx-us-east-1-apps)",
    ]);
    const noEgress = clusterRegion();
    const policy = (noEgress.resources.kubernetes_network_policy_v1.policy as any).spec;
    policy.egress = [];
    expect(messages('SC-REQ-2', noEgress)).toEqual([
      'NetworkPolicy egress: no policy lets api out to port 6379 (service api, data store redis, stack fx-us-east-1-apps)',
    ]);
  });
});

describe('SC-STG-6 HostReleaseDelivered: every link of the delivery, named', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-STG-6')!;
  const messages = (fixture: Fixture) => evaluate(rule, fixture).map((o) => ('message' in o ? o.message : o.status));

  it('finds a host whose compose file is in user_data only, one no association targets, and one whose association names no release', () => {
    expect(messages(releaseFixture({ object: false }))[0]).toMatch(/^no compose file is a release object/);
    expect(messages(releaseFixture({ association: false }))).toEqual([
      'no aws_ssm_association targets this host (by InstanceIds or a tag it carries): no release reaches it',
    ]);
    expect(
      messages(
        releaseFixture({ association: { targets: [{ key: 'InstanceIds', values: ['${aws_instance.host.id}'] }], parameters: { commands: 'true' } } }),
      )[0],
    ).toMatch(/^the association\(s\) that target this host \(aws_ssm_association.release\) name no release object/);
  });

  it("accepts a tag target the host carries, and refuses a role that may not read the release's key", () => {
    const byTag = { targets: [{ key: 'tag:stagecraft:release', values: ['fx'] }], parameters: { commands: '${aws_s3_object.compose.version_id}' } };
    expect(messages(releaseFixture({ association: byTag }))).toEqual(['compliant']);
    const elsewhere = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${aws_s3_bucket.releases.arn}/other/*' }] });
    expect(messages(releaseFixture({ policy: elsewhere }))).toEqual([
      'its role aws_iam_role.host may not s3:GetObject the release aws_s3_object.compose: the host cannot fetch what the association asks it to apply',
    ]);
  });
});

describe('SC-STG-7 HostReleaseSecretsFetched: the release fetches every secret it mounts, a rotated one before each up', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-STG-7')!;
  const messages = (fixture: Fixture) => evaluate(rule, fixture).map((o) => ('message' in o ? o.message : o.status));

  it('names the secrets when the release has no secret script (it is in user_data, which running hosts ignore)', () => {
    expect(messages(secretsReleaseFixture({ script: false }))).toEqual([
      "no release/stagecraft-fetch-secrets object in the release's bucket fetches its secrets (api-key, database-master): a host that takes a release without being replaced starts their containers without the files",
    ]);
  });

  it('names a secret the script does not fetch, or fetches elsewhere than the compose file mounts it from', () => {
    expect(messages(secretsReleaseFixture({ fetched: ['database-master'] }))).toEqual([
      'aws_s3_object.secrets does not fetch api-key to the file the compose file mounts: their containers start without them',
    ]);
    expect(messages(secretsReleaseFixture({ directory: '/run/other' }))).toEqual([
      'aws_s3_object.secrets does not fetch api-key, database-master to the files the compose file mounts: their containers start without them',
    ]);
  });

  it("names RDS's master secret when it is kept after compose comes up", () => {
    expect(messages(secretsReleaseFixture({ transient: [] }))).toEqual([
      'aws_s3_object.secrets keeps database-master after compose comes up, but RDS rotates it every 7 days: empty it after each up (--drop-transient) so it is fetched again before the next',
    ]);
  });

  it('does not apply to cluster stages', () => {
    expect(messages({ ...secretsReleaseFixture({ script: false }), stage: 'growth' })).toEqual(['not-applicable']);
  });
});

describe('SC-IMD-2 LaunchTemplateImdsHopLimit: one hop for nodes, two for the containers of a standalone host', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-IMD-2')!;
  const withHops = (hops: number, user: Record<string, Record<string, unknown>>): Fixture => ({
    resources: {
      aws_launch_template: { t: { ...HARDENED_TEMPLATE, metadata_options: { http_tokens: 'required', http_put_response_hop_limit: hops } } },
      ...user,
    },
  });
  const messages = (fixture: Fixture) => evaluate(rule, fixture).map((o) => ('message' in o ? o.message : o.status));
  const instance = { aws_instance: { host: { launch_template: { id: '${aws_launch_template.t.id}' } } } };
  const nodes = { aws_eks_node_group: { g: { launch_template: { id: '${aws_launch_template.t.id}', version: '1' } } } };

  it('accepts 2 on a template only standalone hosts launch from, and never 3', () => {
    expect(messages(withHops(2, instance))).toEqual(['compliant']);
    expect(messages(withHops(1, instance))).toEqual(['compliant']);
    expect(messages(withHops(3, instance))).toEqual([
      "metadata_options.http_put_response_hop_limit is 3; set it to 1, or 2 for the host's containers to use the instance role; more lets any further hop take it",
    ]);
  });

  it('refuses 2 on a template a node group launches from, even when an instance uses it too', () => {
    expect(messages(withHops(2, { ...nodes, ...instance }))).toEqual([
      "metadata_options.http_put_response_hop_limit is 2; set it to 1; with 2 or more, pods can take the node role's credentials",
    ]);
  });
});

describe('SC-STG-8 HostContainersFit: no container limit above the host, reservations within its memory', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-STG-8')!;
  const messages = (fixture: Fixture) => evaluate(rule, fixture).map((o) => ('message' in o ? o.message : o.status));

  it("names a CPU limit above the type's vCPUs and reservations above its memory less the OS's share", () => {
    expect(messages(hostFitFixture('t3.medium', { api: ['2', '2048M'], gateway: ['4', '4096M'] }))).toEqual([
      'aws_s3_object.compose on aws_instance.host (t3.medium): container gateway has limits.cpus 4, more than the 2 vCPUs of t3.medium: Docker refuses to create it; the containers reserve 6,144 MiB of memory (api 2,048, gateway 4,096); t3.medium has 4 GiB, 3,072 MiB after 1,024 MiB for the OS and docker',
    ]);
    // 7,168 MiB is exactly what a t3.large leaves; one more MiB does not fit. Units: g, m, bytes.
    expect(messages(hostFitFixture('t3.large', { a: ['2', '7g'] }))).toEqual(['compliant']);
    expect(messages(hostFitFixture('t3.large', { a: ['2', '7g'], b: ['0.5', String(1024 * 1024)] }))).toEqual([
      'aws_s3_object.compose on aws_instance.host (t3.large): the containers reserve 7,169 MiB of memory (a 7,168, b 1); t3.large has 8 GiB, 7,168 MiB after 1,024 MiB for the OS and docker',
    ]);
  });

  it('cannot judge a type it has no facts for', () => {
    expect(messages(hostFitFixture('x9.huge', { a: ['1', '1M'] }))).toEqual([
      'the instance type of aws_instance.host (x9.huge) is not one whose vCPUs and memory the rule knows (sizing/instance-specs.ts)',
    ]);
  });
});

describe('SC-K8S-8 PodSecretsProduced: every Secret a pod needs is produced first, or declared external', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-K8S-8')!;
  const messages = (resources: Resources) =>
    evaluate(rule, { resources })
      .filter((o) => o.status === 'non-compliant')
      .map((o) => (o as { message: string }).message);

  it('names a Secret no object in the stack produces', () => {
    expect(messages(secretConsumer({ dependsOn: [], producer: false }))).toEqual([
      'Deployment product/api: Secret product/db-client has no producer in the stack (a Secret, or a Job annotated stagecraft.io/writes-secrets) and is not declared in stagecraft.io/external-secrets',
    ]);
  });

  it('names the producer a workload is not ordered after', () => {
    expect(messages(secretConsumer({ dependsOn: [] }))).toEqual([
      'Deployment product/api: Secret product/db-client is produced by kubernetes_job_v1.certs, which the workload does not depend on: its pods may start first',
    ]);
  });

  it('accepts a Secret the workload declares as made outside the stack', () => {
    expect(messages(secretConsumer({ dependsOn: [], producer: false, external: 'db-client' }))).toEqual([]);
    expect(evaluate(rule, { resources: secretConsumer({ dependsOn: [], producer: false, external: 'db-client' }) }).map((o) => o.status)).toEqual([
      'compliant',
    ]);
  });
});

describe('SC-K8S-9 WorkloadProvisionsProduced: a workload starts after the Job that makes its users and topics has run', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-K8S-9')!;
  const messages = (resources: Resources) =>
    evaluate(rule, { resources })
      .filter((o) => o.status !== 'compliant')
      .map((o) => (o as { message: string }).message);
  const after = ['kubernetes_job_v1.users'];

  it('names what no Job in the stack makes', () => {
    expect(messages(provisionConsumer({ dependsOn: [], producer: false }))).toEqual([
      'Deployment product/api: database-user/api has no Job in the stack that makes it (annotated stagecraft.io/provisions) and is not declared in stagecraft.io/external-provisions; kafka-topic/orders has no Job in the stack that makes it (annotated stagecraft.io/provisions) and is not declared in stagecraft.io/external-provisions',
    ]);
  });

  it('names the Job a workload is not ordered after', () => {
    expect(messages(provisionConsumer({ dependsOn: [] }))).toEqual([
      'Deployment product/api: database-user/api is made by kubernetes_job_v1.users, which the workload does not depend on: its pods may start before it exists; kafka-topic/orders is made by kubernetes_job_v1.users, which the workload does not depend on: its pods may start before it exists',
    ]);
  });

  it('fails a Job terraform does not wait for, which orders the workload after its creation only', () => {
    expect(messages(provisionConsumer({ dependsOn: after, env: { QUEUE_KIND: '' }, job: { wait_for_completion: false } }))).toEqual([
      'Deployment product/api: database-user/api: terraform does not wait for kubernetes_job_v1.users to complete (wait_for_completion), so depends_on orders the workload after the Job is created, not after it has run',
    ]);
  });

  it('fails a wait no longer than the Job may run, and a Job without a deadline', () => {
    expect(messages(provisionConsumer({ dependsOn: after, env: { QUEUE_KIND: '' }, job: { timeouts: { create: '30m', update: '40m' } } }))).toEqual([
      'Deployment product/api: database-user/api: terraform waits 1800 s to create kubernetes_job_v1.users (timeouts.create), not longer than the Job may run (activeDeadlineSeconds 1800): the apply fails while the Job still runs',
    ]);
    expect(messages(provisionConsumer({ dependsOn: after, env: { QUEUE_KIND: '' }, job: { timeouts: undefined } }))).toEqual([
      'Deployment product/api: database-user/api: terraform waits 60 s to create kubernetes_job_v1.users (timeouts.create), not longer than the Job may run (activeDeadlineSeconds 1800): the apply fails while the Job still runs',
    ]);
    expect(messages(provisionConsumer({ dependsOn: after, env: { QUEUE_KIND: '' }, deadline: null }))).toEqual([
      'Deployment product/api: database-user/api: kubernetes_job_v1.users has no deadline (activeDeadlineSeconds): its worst case has no bound, so no wait for it is long enough',
    ]);
  });

  it('accepts what the workload declares as made outside the stack', () => {
    const resources = provisionConsumer({ dependsOn: [], producer: false, external: 'database-user/api, kafka-topic/orders' });
    expect(evaluate(rule, { resources }).map((o) => o.status)).toEqual(['compliant']);
  });

  it('reads RabbitMQ users and exchanges, Kafka dead-letter topics and search roles from the environment', () => {
    const needs = (env: Record<string, string>) =>
      messages(provisionConsumer({ dependsOn: [], producer: false, env: { DATABASE_AUTH: '', QUEUE_KIND: '', ...env } })).flatMap((m) =>
        [...m.matchAll(/([a-z-]+\/[\w.-]+) has no Job/g)].map((match) => match[1]),
      );
    expect(needs({ QUEUE_KIND: 'rabbitmq', QUEUE_USERNAME: 'service-api', QUEUE_TOPICS_PRODUCED: 'orders', QUEUE_TOPICS_CONSUMED: 'mail' })).toEqual([
      'rabbitmq-exchange/mail',
      'rabbitmq-exchange/orders',
      'rabbitmq-user/service-api',
    ]);
    expect(needs({ QUEUE_KIND: 'kafka', QUEUE_TOPICS_PRODUCED: 'orders', QUEUE_TOPICS_CONSUMED: 'mail', KAFKA_DEAD_LETTER_TOPIC_SUFFIX: '.dlq' })).toEqual([
      'kafka-topic/mail',
      'kafka-topic/mail.dlq',
      'kafka-topic/orders',
    ]);
    expect(needs({ SEARCH_AUTH: 'iam', SEARCH_INDEX_PREFIX: 'product-api' })).toEqual(['search-access/product-api']);
    // A client of both brokers: each broker's variables under its own prefix, no QUEUE_KIND.
    expect(
      needs({
        RABBITMQ_USERNAME: 'service-api',
        RABBITMQ_TOPICS_PRODUCED: 'tasks',
        RABBITMQ_TOPICS_CONSUMED: '',
        KAFKA_TOPICS_PRODUCED: 'edits',
        KAFKA_TOPICS_CONSUMED: '',
      }),
    ).toEqual(['kafka-topic/edits', 'rabbitmq-exchange/tasks', 'rabbitmq-user/service-api']);
  });

  it('cannot evaluate a credential variable that is a terraform expression', () => {
    expect(evaluate(rule, CASES['SC-K8S-9'].unresolved!)).toEqual([
      {
        status: 'could-not-evaluate',
        address: 'kubernetes_deployment_v1.api',
        message: 'Deployment product/api: its DATABASE_USER is a terraform expression, so what it needs made cannot be read',
      },
    ]);
  });
});

describe('SC-K8S-10 QueueScaledWorkloadHasScaler: a queue-scaled worker has its count set by the queue-scaler alone', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-K8S-10')!;
  const messages = (resources: Resources) =>
    evaluate(rule, { resources })
      .filter((o) => o.status !== 'compliant')
      .map((o) => (o as { message: string }).message);
  type Editable = { spec: Record<string, unknown> & { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } } };

  it('accepts the worker and the scaler as the platform emits them', () => {
    expect(evaluate(rule, { resources: queueScaled() }).map((o) => o.status)).toEqual(['compliant']);
  });

  it('names a count terraform also sets and an HPA that also scales it', () => {
    const resources = queueScaled((o) => {
      (o.worker as unknown as Editable).spec.replicas = 3;
      o.hpa = {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'task-worker', namespace: 'product' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'task-worker' }, minReplicas: 2, maxReplicas: 20 },
      } as never;
    });
    expect(messages(resources)).toEqual([
      'Deployment product/task-worker: it sets replicas, which terraform puts back on every apply over the count the queue-scaler set; kubernetes_horizontal_pod_autoscaler_v2.hpa scales it too: two controllers would fight over its count',
    ]);
  });

  it('names a missing scaler, a scaler that does not scale it or with another range, and a Role that does not let it', () => {
    const noScaler = queueScaled((o) => {
      delete o['scaler-deployment'];
    });
    expect(messages(noScaler)).toEqual([
      'Deployment product/task-worker: the queue-scaler it names (queue-scaler/queue-scaler) is not in the stack, so nothing sets its count',
    ]);
    const otherRange = queueScaled((o) => {
      const env = (o['scaler-deployment'] as unknown as Editable).spec.template.spec.containers[0].env;
      env.find((e) => e.name === 'QUEUE_SCALER_TARGETS')!.value = 'task-worker 1 5 50 rabbitmq:b:tasks.task-worker';
    });
    expect(messages(otherRange)).toEqual([
      'Deployment product/task-worker: queue-scaler/queue-scaler scales it 1–5 at 50 per pod, not 2–20 at 50 as its annotation says',
    ]);
    const readOnly = queueScaled((o) => {
      (o['scaler-role'] as unknown as { rules: Array<{ verbs: string[] }> }).rules[0].verbs = ['get'];
    });
    expect(messages(readOnly)).toEqual([
      "Deployment product/task-worker: no Role bound to queue-scaler/queue-scaler allows get and patch on deployments/scale of task-worker in product: the queue-scaler's reads and PATCHes are refused",
    ]);
  });
});

describe('SC-PUB-14 EksApiReachableByDeployer: whoever deploys the apps stack reaches the cluster API', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-PUB-14')!;
  const outcome = (cluster: Record<string, unknown>) => evaluate(rule, { resources: { aws_eks_cluster: { e: cluster } } })[0];

  it('accepts a private endpoint whose in-VPC deployer is named', () => {
    expect(
      outcome({ vpc_config: { endpoint_public_access: false }, tags: { 'stagecraft:api-deployer': 'CodeBuild project acme-deploy in us-east-1' } }).status,
    ).toBe('compliant');
  });

  it('names both ways in when the endpoint is private and no deployer is named', () => {
    expect(outcome({ vpc_config: { endpoint_public_access: false } })).toEqual({
      status: 'non-compliant',
      message:
        "the API endpoint is private and no deployer inside the environment's VPCs is named, so `cdktf deploy` of the apps stack from outside cannot reach it; set compute.publicApiCidrs to the deployers' egress ranges, or name the in-VPC deployer in compute.privateApiDeployer (tag stagecraft:api-deployer)",
    });
  });
});

describe('SC-PUB-12 ZoneAuthenticatedOriginPulls: the manual certificate upload is checked, and the monitors present the certificate', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-PUB-12')!;
  const compliant = CASES['SC-PUB-12'].compliant;
  const message = (fixture: Fixture) => (evaluate(rule, fixture)[0] as { message?: string }).message;

  it('names the undeclared upload when origin pulls are enabled without looking the certificate up', () => {
    const resources = {
      ...compliant.resources,
      cloudflare_authenticated_origin_pulls_settings: { p: { zone_id: 'z', enabled: true } },
    };
    expect(message({ ...compliant, resources })).toBe(
      "nothing checks that the zone's client certificate was uploaded: set edge.originPullCertificateId to the id the upload returned, so the plan looks it up before enabling authenticated origin pulls (docs/origin-trust.md)",
    );
  });

  it('names a load-balancer monitor that does not probe as the zone, so the pools would be marked down', () => {
    const resources = { ...compliant.resources, cloudflare_load_balancer_monitor: { m: { type: 'https', path: '/healthz' } } };
    expect(message({ ...compliant, resources })).toBe(
      'cloudflare_load_balancer_monitor.m does not probe as the zone (probe_zone should be "example.com"), so it presents no origin-pull certificate and the origins mark every pool down',
    );
  });
});

describe('SC-EIT-8 PoolerClientTls: PgBouncer refuses plaintext clients', () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-EIT-8')!;
  const outcome = (data: Record<string, string>) => evaluate(rule, { resources: { kubernetes_config_map_v1: { c: { metadata: { name: 'c' }, data } } } })[0];
  const without = (...keys: string[]) =>
    POOLER_INI.split('\n')
      .filter((line) => !keys.some((k) => line.startsWith(`${k} =`)))
      .join('\n');

  it('names the default when client_tls_sslmode is not set', () => {
    expect(outcome({ 'pgbouncer.ini': without('client_tls_sslmode') })).toEqual({
      status: 'non-compliant',
      message: 'data.pgbouncer.ini leaves client_tls_sslmode at its default, disable; set it to require',
    });
  });

  it('names a missing key or certificate when TLS is required', () => {
    expect(outcome({ 'pgbouncer.ini': without('client_tls_key_file') })).toEqual({
      status: 'non-compliant',
      message: 'data.pgbouncer.ini requires TLS but sets no client_tls_key_file; PgBouncer cannot serve TLS without them',
    });
  });

  it('accepts verify-full, and does not apply to other ConfigMaps', () => {
    expect(outcome({ 'pgbouncer.ini': POOLER_INI.replace('client_tls_sslmode = require', 'client_tls_sslmode = verify-full') }).status).toBe('compliant');
    expect(outcome({ 'nginx.conf': 'server {}' }).status).toBe('not-applicable');
  });
});

describe("SC-PRE-22 NamedCrossStackResourceOrdered: a stack that names another stack's resource by a literal is deployed after it", () => {
  const rule = ALL_RULES.find((r) => r.id === 'SC-PRE-22')!;

  it('names the global cluster, its maker and the missing dependency', () => {
    expect(evaluate(rule, JOINS_PRIMARY([]))).toEqual([
      {
        status: 'non-compliant',
        address: 'aws_rds_cluster.secondary',
        message:
          'aws_rds_cluster.secondary names Aurora global cluster "fx-aurora", which fx-us-east-1 creates, but fx-eu-west-1 is not deployed after it (no cdktf stack dependency): cdktf deploy may create it first and fail',
      },
    ]);
  });

  it('catches the replica key cycle: the primary replicates under an alias the standby (deployed after it) creates', () => {
    const primary: Resources = {
      aws_secretsmanager_secret: { pw: { name: 'fx/us-east-1/postgres-api', replica: [{ region: 'eu-west-1', kms_key_id: 'alias/fx-eu-west-1' }] } },
    };
    const standbyKey: Resources = { aws_kms_alias: { kms: { name: 'alias/fx-eu-west-1', target_key_id: '${aws_kms_key.kms.key_id}' } } };
    const outcomes = evaluate(rule, { resources: primary, otherRegions: { 'eu-west-1': standbyKey }, dependencies: [] });
    expect(outcomes).toEqual([
      {
        status: 'non-compliant',
        address: 'aws_secretsmanager_secret.pw',
        message:
          'aws_secretsmanager_secret.pw names KMS alias "alias/fx-eu-west-1" in eu-west-1, which fx-eu-west-1 creates, but fx-us-east-1 is not deployed after it (no cdktf stack dependency): cdktf deploy may create it first and fail',
      },
    ]);
    // The fix: the primary's stack creates the replica region's key through a provider for that region.
    const ownKey: Resources = {
      ...primary,
      aws_kms_alias: { replica: { provider: 'aws.eu-west-1', name: 'alias/fx-eu-west-1', target_key_id: '${aws_kms_key.replica.key_id}' } },
    };
    expect(evaluate(rule, { resources: ownKey, aliasedRegions: ['eu-west-1'], otherRegions: {}, dependencies: [] })).toEqual([
      { status: 'compliant', address: 'aws_secretsmanager_secret.pw' },
    ]);
    // Without the provider for that region, the alias is the primary region's, not the replica's.
    expect(evaluate(rule, { resources: ownKey, otherRegions: {}, dependencies: [] }).map((o) => o.status)).toEqual(['non-compliant']);
  });

  it('follows a cross-region read replica to the stack of its source instance, and accepts an AWS managed key alias', () => {
    const source: Resources = { aws_db_instance: { primary: { identifier: 'fx-us-east-1-postgres' } } };
    const replica: Resources = {
      aws_db_instance: { standby: { identifier: 'fx-eu-west-1-postgres', replicate_source_db: 'arn:aws:rds:us-east-1:111122223333:db:fx-us-east-1-postgres' } },
      aws_secretsmanager_secret: { s: { name: 'x', replica: [{ region: 'us-east-1', kms_key_id: 'alias/aws/secretsmanager' }] } },
    };
    const at = (dependencies: readonly string[]) =>
      evaluate(rule, { resources: replica, region: 'eu-west-1', otherRegions: { 'us-east-1': source }, dependencies }).map((o) => o.status);
    expect(at([])).toEqual(['non-compliant']);
    expect(at(['fx-us-east-1'])).toEqual(['compliant']);
  });

  it('refuses a name no stack of the environment creates, and judges nothing without the deploy order', () => {
    expect(evaluate(rule, { resources: GLOBAL_SECONDARY, region: 'eu-west-1', dependencies: [] })).toEqual([
      {
        status: 'non-compliant',
        address: 'aws_rds_cluster.secondary',
        message:
          'aws_rds_cluster.secondary names Aurora global cluster "fx-aurora", which no stack of the environment creates: the apply fails unless it already exists',
      },
    ]);
    expect(evaluate(rule, { resources: GLOBAL_SECONDARY, region: 'eu-west-1', otherRegions: { 'us-east-1': GLOBAL_PRIMARY } })).toEqual([
      { status: 'not-applicable', reason: 'the deploy order is not known (synthesis read without manifest.json)' },
    ]);
  });
});

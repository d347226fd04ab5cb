/**
 * The product services on single-host stages: a docker compose release the hosts pull from S3
 * (stacks/host-release.ts) after cloud-init bootstraps them, and on launch the Postgres and Redis
 * containers beside them (data on the host's data volume). On traction with a queue, the one-shot
 * `rabbitmq-users` service puts the services' broker users (services/host-rabbitmq-users.ts).
 */
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn } from 'cdktf';
import { withR2Writer } from '../config/r2-buckets';
import { AppHost, DATA_MOUNT_POINT } from '../constructs/aws/app-host';
import { DeployerSecret } from '../constructs/aws/deployer-secret';
import { GeneratedSecret } from '../constructs/aws/generated-secret';
import { dataStoreAccessPolicy } from '../constructs/aws/service-identity';
import { composeDocument, HostDataStore, ORIGIN_TLS_SECRET_FILE, proxyConfig, secretFileName, secretReferences } from '../services/compose';
import { HOST_COMPOSE_COMMAND, hostCloudInit, SYSTEMD_UNIT } from '../services/host-cloud-init';
import { hostTimers } from '../services/host-timers';
import { hostApplicationSecrets } from '../services/host-secrets';
import { rotatedMasterSecretFile } from '../services/host-database-users';
import { HostRabbitMqAdmin, RABBITMQ_ADMIN_SECRET_FILE } from '../services/host-rabbitmq-users';
import { rabbitMqPermissions, rabbitMqTopology, rabbitMqUsername } from '../services/platform/queue-topology';
import { brokerClients } from '../config/components';
import { applicationSecrets, applicationSecretArnsOf } from './application-secrets';
import { addHostRelease } from './host-release';
import { ServiceCredential } from '../constructs/shared/data-store-endpoints';
import { ServiceDefinition } from '../config/service-definition';
import { RegionalStack } from './regional-stack';
import { EC2_SPECS } from '../sizing/instance-specs';
import { hostContainerMemoryMiB, HOST_STORE_MEMORY_MIB } from '../sizing/host-fit';
import { storesOf } from './service-identities';

/** Pinned images of the on-host data stores; Postgres follows the sized engine version. */
export const REDIS_IMAGE = 'redis:7.4.2-alpine';
export const postgresImage = (engineVersion: string) => `postgres:${engineVersion}-alpine`;

/**
 * Launch: Postgres and Redis as containers, their passwords generated into Secrets Manager.
 * Registers them as the region's database and redis.
 */
export function addHostDataStores(stack: RegionalStack): HostDataStore[] {
  const f = stack.foundation;
  const postgres = f.blueprint.postgres;
  const stores: HostDataStore[] = [];
  if (postgres?.kind === 'on-host') {
    const password = containerPassword(stack, 'postgres', 'Postgres');
    const own = hostDatabaseCredentials(stack, HOST_POSTGRES_DATABASE);
    stack.dataStores.database = {
      kind: 'database',
      engine: 'PostgreSQL container on the host',
      port: 5432,
      env: { DATABASE_HOST: 'postgres', DATABASE_PORT: '5432' },
      // The host fetches the master password (for the server and the users service) and each service's own.
      secretArns: [password.policyArn, ...own.secretArns],
      bucketArns: [],
      credentialFor: own.credentialFor,
    };
    stack.hostDatabaseAdmin = {
      masterSecretArn: password.secret.arn,
      admin: {
        image: postgresImage(postgres.engineVersion),
        host: 'postgres',
        port: 5432,
        database: HOST_POSTGRES_DATABASE,
        masterSecretFile: secretFileName('DATABASE_SECRET_ARN'),
        masterFormat: { kind: 'password', user: HOST_POSTGRES_DATABASE },
        sslMode: 'disable',
      },
    };
    stores.push({
      name: 'postgres',
      image: postgresImage(postgres.engineVersion),
      user: '70:70',
      dataDir: `${DATA_MOUNT_POINT}/postgres`,
      memoryMiB: HOST_STORE_MEMORY_MIB.postgres,
      passwordSecret: secretFileName('DATABASE_SECRET_ARN'),
    });
  }
  if (f.blueprint.redis.mode === 'on-host') {
    const password = containerPassword(stack, 'redis', 'Redis');
    stack.dataStores.redis = {
      kind: 'redis',
      engine: 'Redis container on the host',
      port: 6379,
      env: { REDIS_HOST: 'redis', REDIS_PORT: '6379', REDIS_TLS: 'false', REDIS_AUTH_SECRET_ARN: password.secret.arn },
      secretArns: [password.policyArn],
      bucketArns: [],
    };
    stores.push({
      name: 'redis',
      image: REDIS_IMAGE,
      user: '999:1000',
      dataDir: `${DATA_MOUNT_POINT}/redis`,
      memoryMiB: HOST_STORE_MEMORY_MIB.redis,
      passwordSecret: secretFileName('REDIS_AUTH_SECRET_ARN'),
    });
  }
  return stores;
}

/** The database (and master user) of launch's Postgres container (POSTGRES_DB, POSTGRES_USER). */
export const HOST_POSTGRES_DATABASE = 'product';

/**
 * Single-host stages: each service that declares the database logs in as its own user with a
 * password of its own, generated into Secrets Manager through the write-only argument (never in
 * state); the host fetches it and mounts it into that service only (services/host-database-users.ts).
 */
export function hostDatabaseCredentials(
  stack: RegionalStack,
  database: string,
): { secretArns: string[]; credentialFor: (service: ServiceDefinition) => ServiceCredential } {
  const f = stack.foundation;
  const passwords = new Map(
    f.environment.services
      .filter((s) => s.dataStores.includes('database'))
      .map((s) => [
        s.name,
        new GeneratedSecret(stack, `database-user-${s.name}`, {
          name: `${f.environment.name}/${f.region.code}/database-${s.name}`,
          description: `${f.namePrefix}: password of ${s.name}'s database user`,
          encryptionKey: f.encryptionKey,
        }),
      ]),
  );
  return {
    secretArns: [...passwords.values()].map((p) => p.policyArn),
    credentialFor: (service) => {
      const password = passwords.get(service.name);
      if (!password) throw new Error(`${service.name} does not use the database in ${stack.stackName}`);
      return {
        mechanism: 'database user with a password of its own',
        env: { DATABASE_USER: service.name, DATABASE_NAME: database, DATABASE_PASSWORD_SECRET_ARN: password.secret.arn },
        secretArns: [password.policyArn],
      };
    },
  };
}

/**
 * Text for a Terraform function argument: cdktf writes it between double quotes as is, so its
 * backslashes and double quotes are escaped here (Terraform unescapes them again). cdktf escapes
 * `${` itself in function arguments, but not the template directive `%{`: that is escaped here,
 * so user text in the cloud-init (a compose env value) stays literal.
 */
export function asTerraformString(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/%\{/g, () => '%%{');
}

/** Call after every data store exists: renders the compose project into the hosts' release and their bootstrap into cloud-init. */
export function addHostServices(stack: RegionalStack, hosts: readonly AppHost[], hostStores: readonly HostDataStore[] = []): void {
  const f = stack.foundation;
  const environment = f.environment;
  // Services that write R2 carry its credential as a secret and its buckets in their environment.
  const services = f.environment.services.map((s) => withR2Writer(environment, s));
  const proxy = { domain: environment.domain, originPullCa: environment.edge.originPullCa };
  const admin = stack.hostDatabaseAdmin;
  // No container's limits exceed the host's vCPUs and memory (sizing/host-fit.ts sized the type by their reservations).
  const spec = f.blueprint.hosts && EC2_SPECS[f.blueprint.hosts.instanceType];
  const host = spec && { vcpu: spec.vcpu, memoryMiB: hostContainerMemoryMiB(spec) };
  const brokerUsers = hostRabbitMqUsers(stack, services);
  const compose = composeDocument({ services, stores: stack.dataStores, hostStores, proxy, databaseUsers: admin?.admin, rabbitMqUsers: brokerUsers, host });
  const appSecrets = hostApplicationSecrets(services, applicationSecrets(stack));
  const secrets = Object.fromEntries([
    ...services.flatMap((s) => secretReferences(s, stack.dataStores)).map((r) => [r.file, r.arn]),
    ...appSecrets.map((s) => [s.file, s.arn]),
    ...(admin ? [[admin.admin.masterSecretFile, admin.masterSecretArn]] : []),
    ...(brokerUsers && stack.rabbitMq ? [[RABBITMQ_ADMIN_SECRET_FILE, stack.rabbitMq.adminPassword.secret.arn]] : []),
  ]);
  const used = [...new Set(services.flatMap((s) => s.dataStores))];
  // The host fetches the secrets with the instance role, and the containers use it (IMDS answers them, HOST_IMDS_HOP_LIMIT)
  // for the stores they reach with IAM: ElastiCache IAM auth and the assets bucket.
  const policy = dataStoreAccessPolicy({
    stores: storesOf(stack, used),
    encryptionKey: f.encryptionKey,
    region: f.region.code,
    applicationSecretArns: applicationSecretArnsOf(
      stack,
      services.map((s) => s.name),
    ),
  });
  const originTls = originTlsSecret(stack);
  const rotated = admin ? rotatedMasterSecretFile(admin.admin) : undefined;
  const release = addHostRelease(stack, hosts, {
    compose,
    proxyConfig: proxyConfig(services, proxy),
    originPullCa: proxy.originPullCa,
    secrets: {
      secrets: { ...secrets, [ORIGIN_TLS_SECRET_FILE]: originTls.secret.arn },
      region: f.region.code,
      // The operator puts these values after the stack creates the secrets: the host waits for them at boot.
      awaited: [ORIGIN_TLS_SECRET_FILE, ...appSecrets.map((s) => s.file)],
      // RDS's rotated master secret, and the broker admin's password: on the host only while the one-shot users services run.
      transient: [...(rotated ? [rotated] : []), ...(brokerUsers ? [RABBITMQ_ADMIN_SECRET_FILE] : [])],
    },
    // The jobs' timers: a schedule change reaches running hosts with the release.
    jobUnits: hostTimers(services, HOST_COMPOSE_COMMAND, SYSTEMD_UNIT).files,
  });
  for (const [index, host] of hosts.entries()) {
    const userData = hostCloudInit({
      release: { script: release.script, fetchCommand: release.fetchCommand },
      runsJobs: index === 0,
      withDataVolume: host.dataVolume !== undefined,
      hostStores,
    });
    host.launchTemplate.userData = Fn.base64encode(asTerraformString(userData));
    // The release's secret script reads these: the association runs once they exist.
    if (policy) release.delivery.appliedAfter(new IamRolePolicy(host, 'service-secrets', { role: host.role.id, policy }));
    release.delivery.appliedAfter(new IamRolePolicy(host, 'origin-tls', { role: host.role.id, policy: originTlsPolicy(originTls, stack) }));
  }
}

/**
 * Traction with RabbitMQ: what the one-shot `rabbitmq-users` service puts on the broker, the
 * topology of the clients' topics and each client's user, whose password file is the one its own
 * service mounts (`secretReferences`: the credential's `*_SECRET_ARN`, named after the service).
 */
function hostRabbitMqUsers(stack: RegionalStack, services: readonly ServiceDefinition[]): HostRabbitMqAdmin | undefined {
  const broker = stack.rabbitMq;
  const store = stack.dataStores.rabbitmq;
  if (!broker || !store?.credentialFor) return undefined;
  const clients = brokerClients(services, 'rabbitmq', stack.foundation.environment.components.queues);
  if (clients.length === 0) return undefined;
  return {
    consoleUrl: broker.broker.instances.get(0).consoleUrl,
    username: broker.adminUsername,
    topology: rabbitMqTopology(clients),
    users: clients.map((service) => {
      const secretEnv = Object.keys(store.credentialFor!(service).env).find((name) => name.endsWith('_SECRET_ARN'));
      if (!secretEnv) throw new Error(`${service.name}'s RabbitMQ credential names no secret in ${stack.stackName}`);
      return { user: rabbitMqUsername(service.name), passwordFile: `${secretFileName(secretEnv)}-${service.name}`, permissions: rabbitMqPermissions(service) };
    }),
  };
}

/**
 * The origin certificate and key the hosts' proxy serves (a Cloudflare Origin CA certificate for
 * the domain and its wildcard): the deployer puts them, docs/origin-trust.md.
 */
function originTlsSecret(stack: RegionalStack): DeployerSecret {
  const f = stack.foundation;
  return new DeployerSecret(stack, 'origin-tls', {
    name: `${f.environment.name}/${f.region.code}/origin-tls`,
    description: `${f.namePrefix}: origin certificate and key (PEM) of the hosts' proxy, put by the deployer (docs/origin-trust.md)`,
    encryptionKey: f.encryptionKey,
  });
}

/** The host may read the origin certificate's secret, and decrypt it through Secrets Manager only. */
function originTlsPolicy(originTls: DeployerSecret, stack: RegionalStack): string {
  const f = stack.foundation;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadOriginCertificate', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [originTls.policyArn] },
      {
        Sid: 'DecryptThroughSecretsManager',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: f.encryptionKey.policyResource,
        Condition: { StringEquals: { 'kms:ViaService': [`secretsmanager.${f.region.code}.amazonaws.com`] }, ...f.encryptionKey.aliasCondition },
      },
    ],
  });
}

/** A generated password for the `container` data store on the host, kept in Secrets Manager. */
function containerPassword(stack: RegionalStack, container: 'postgres' | 'redis', engine: string): GeneratedSecret {
  const f = stack.foundation;
  return new GeneratedSecret(stack, `host-${container}-password`, {
    name: `${f.environment.name}/${f.region.code}/host-${container}`,
    description: `${f.namePrefix}: password of the ${engine} container on the host`,
    encryptionKey: f.encryptionKey,
  });
}

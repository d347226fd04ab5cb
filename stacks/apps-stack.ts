/**
 * `<env>-<region>-apps`: the Kubernetes workloads of one region of a cluster stage, on the
 * kubernetes provider alone.
 *
 * - The provider is configured from the regional stack's EKS cluster (endpoint, CA, name) by
 *   cross-stack references, which cdktf turns into outputs of the regional stack read through
 *   `terraform_remote_state`; nothing in this stack configures its own provider. It
 *   authenticates with `aws eks get-token` at plan/apply time, so no token is in the JSON.
 * - Every object is one typed resource of the provider for its kind (`kubernetes_deployment_v1`,
 *   `kubernetes_service_v1`, …; constructs/kubernetes/kubernetes-object-resource.ts), converted
 *   from the `KubernetesObject` by one table-driven converter that reads back exactly the same
 *   object: what the tests validate against the Kubernetes API schema is what is applied. Typed
 *   resources plan from their schema alone, without the cluster's API (unlike `kubernetes_manifest`,
 *   which reads the live API's schema while planning), so this stack plans before its cluster
 *   exists and from outside a private endpoint: one `cdktf deploy` of every stack of an
 *   environment, in dependency order, can complete on an empty account. No custom resource kind.
 * - Besides the product services it applies the cluster autoscaler (`kube-system`) and, where
 *   the database is CockroachDB, that region's CockroachDB (`cockroachdb`); `addObjects` takes
 *   any other objects.
 */
import { Construct } from 'constructs';
import { Fn, ITerraformDependable } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Environment, RegionPlacement, subnetCidr } from '../config/environment';
import { productObjects } from '../services/kubernetes/product';
import { poolerObjects } from '../services/kubernetes/pooler';
import { databaseClients } from '../sizing/pooler';
import { clusterAutoscalerObjects } from '../services/platform/cluster-autoscaler';
import { collectorObjects } from '../services/platform/otel-collector';
import { queueScaledWorkers, queueScalerObjects } from '../services/platform/queue-scaler';
import {
  databasePasswordFile,
  databaseUsersObjects,
  kafkaTopicsObjects,
  operationsNamespace,
  rabbitMqDeadLetterObjects,
  rabbitMqUsersObjects,
  searchRotationObjects,
} from '../services/platform/operations-jobs';
import { brokerClients } from '../config/components';
import { kafkaTopics, rabbitMqPermissions, rabbitMqTopology, rabbitMqUsername } from '../services/platform/queue-topology';
import { databaseUsersSql } from '../services/platform/database-users';
import { databaseUserName } from '../config/database-user';
import { HEADLESS_SERVICE } from '../services/platform/cockroachdb/certificates';
import { COCKROACH_HTTP_PORT, COCKROACH_NAMESPACE } from '../services/platform/cockroachdb/names';
import { backupBucketName, cockroachObjects, cockroachPlacement } from '../services/platform/cockroachdb';
import { KubernetesObject } from '../services/kubernetes/object';
import { producedSecrets, referencedSecrets } from '../synthesis/kubernetes-secrets';
import { neededProvisions, providedProvisions } from '../synthesis/kubernetes-provisions';
import { standbyDatabaseUsers } from './standby-database-users';
import { KubernetesObjectResource } from '../constructs/kubernetes/kubernetes-object-resource';
import { ServiceWorkload } from '../services/kubernetes/workload-spec';
import { Blueprint } from '../sizing/blueprint-types';
import { configureBackend, StateLocation } from './backend';
import { appsStackName } from './stack-names';
import { RegionalStack } from './regional-stack';
import { serviceWorkloads } from './service-workloads';
import { applicationSecrets } from './application-secrets';
import { brokerVariables } from './data-stores';
import { StagecraftStack } from './stagecraft-stack';

/**
 * A resource's address for `depends_on`, as terraform wants it (`type.name`). Set after
 * construction, `dependsOn` takes strings; a resource's `fqn` would render as an interpolation.
 */
const address = (resource: KubernetesObjectResource): string => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;

export interface AppsStackProps {
  readonly environment: Environment;
  readonly blueprint: Blueprint;
  /** The regional stack of the same region: its EKS cluster and data stores. */
  readonly regional: RegionalStack;
  readonly state: StateLocation;
}

/** One applied object: the typed resource and the object it applies. */
export interface AppliedObject {
  readonly object: KubernetesObject;
  readonly resource: KubernetesObjectResource;
}

export class AppsStack extends StagecraftStack {
  readonly stackName: string;
  readonly region: RegionPlacement;
  /** How each product service runs in this region. */
  readonly workloads: readonly ServiceWorkload[];
  /** Every object this stack applies, in the order added. */
  readonly applied: AppliedObject[] = [];
  /** The product namespace's resource: objects other groups put there (CockroachDB's certificate writer role) wait for it. */
  private productNamespace: KubernetesObjectResource[] = [];

  constructor(scope: Construct, props: AppsStackProps) {
    const { environment, regional } = props;
    const region = regional.foundation.region;
    const stackName = appsStackName(environment.name, region.code);
    super(scope, stackName);
    this.stackName = stackName;
    this.region = region;
    configureBackend(this, stackName, environment.backend, props.state);
    const eks = regional.eks;
    if (!eks) throw new Error(`${regional.stackName} has no EKS cluster; only cluster stages have an apps stack`);
    new KubernetesProvider(this, 'kubernetes', {
      host: eks.cluster.endpoint,
      clusterCaCertificate: Fn.base64decode(eks.cluster.certificateAuthority.get(0).data),
      exec: [
        {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['eks', 'get-token', '--cluster-name', eks.cluster.name, '--region', region.code],
        },
      ],
    });

    this.workloads = standbyDatabaseUsers(
      serviceWorkloads(environment, props.blueprint, regional.dataStores, applicationSecrets(regional), region.code),
      regional.databaseAdmin !== undefined,
    );
    const zones = region.availabilityZoneIds.map((_, zone) => zone);
    const product = productObjects({
      workloads: this.workloads,
      stores: regional.dataStores,
      network: { vpcCidr: region.vpcCidr, nodeCidrs: zones.map((zone) => subnetCidr(region.vpcCidr, 'private', zone)) },
    });
    const namespace = this.addObjects('product-namespace', [product.namespace]);
    this.productNamespace = namespace;
    const baseline = this.addObjects('product-baseline', product.baseline, namespace);
    for (const [service, objects] of product.services) this.addObjects(`service-${service}`, objects, [...namespace, ...baseline]);
    // PgBouncer in front of Postgres (components.postgres.pooler): its clients are the services that declare the database.
    if (regional.pooler && props.blueprint.pooler) {
      const { pooler } = regional;
      this.addObjects(
        'pooler',
        poolerObjects(
          { size: props.blueprint.pooler, ...pooler, region: region.code, vpcCidr: region.vpcCidr },
          databaseClients(environment.services).map((s) => s.name),
        ),
        [...namespace, ...baseline],
      );
    }

    const nodeScaling = props.blueprint.autoscaling?.nodes;
    if (nodeScaling) {
      this.addObjects(
        'cluster-autoscaler',
        clusterAutoscalerObjects({
          clusterName: regional.foundation.namePrefix,
          region: region.code,
          kubernetesVersion: environment.kubernetesVersion,
          behaviour: nodeScaling,
        }),
      );
    }
    if (props.blueprint.cockroach) this.addCockroach(props);
    this.addQueueScaler(
      regional,
      zones.map((zone) => subnetCidr(region.vpcCidr, 'private', zone)),
    );
    this.addOperationsJobs(regional);
    this.addObjects(
      'otel-collector',
      collectorObjects({
        region: region.code,
        cockroach:
          props.blueprint.cockroach && regional.collector?.metricsLogGroupName
            ? {
                headlessService: HEADLESS_SERVICE,
                namespace: COCKROACH_NAMESPACE,
                httpPort: COCKROACH_HTTP_PORT,
                logGroupName: regional.collector.metricsLogGroupName,
              }
            : undefined,
      }),
    );
    this.orderAfterProducers(producedSecrets, referencedSecrets);
    this.orderAfterProducers(providedProvisions, (object) => neededProvisions(object).needs);
  }

  /**
   * Orders every workload after the objects that produce what its pods need: the Secrets they
   * mount or read (a Secret object, or a Job that writes it: synthesis/kubernetes-secrets.ts), and
   * the users, topics and roles their credentials name (the Job that makes them:
   * synthesis/kubernetes-provisions.ts), so no pod starts before its Secret exists or logs in
   * before its user does. What has no producer here is left to guardrails SC-K8S-8 and SC-K8S-9.
   */
  private orderAfterProducers(produces: (object: KubernetesObject) => string[], needs: (object: KubernetesObject) => readonly string[]): void {
    const producers = new Map<string, KubernetesObjectResource[]>();
    for (const { object, resource } of this.applied) for (const made of produces(object)) producers.set(made, [...(producers.get(made) ?? []), resource]);
    for (const { object, resource } of this.applied) {
      const after = needs(object).flatMap((needed) => producers.get(needed) ?? []);
      const added = [...new Set(after.filter((p) => p !== resource).map(address))];
      if (added.length > 0) resource.dependsOn = [...new Set([...(resource.dependsOn ?? []), ...added])];
    }
  }

  /**
   * The queue-scaler, where a worker scales on its queue's backlog: it sets those Deployments' counts
   * from CloudWatch (services/platform/queue-scaler.ts); its Pod Identity role is the regional stack's.
   * `privateCidrs` are the cluster's subnets, where the EKS control plane's interfaces are.
   */
  private addQueueScaler(regional: RegionalStack, privateCidrs: readonly string[]): void {
    const workers = queueScaledWorkers(this.workloads, {
      queues: regional.foundation.environment.components.queues,
      rabbitMqBroker: regional.rabbitMq?.brokerName,
      kafkaCluster: regional.kafka?.clusterName,
    });
    if (workers.length === 0) return;
    const objects = queueScalerObjects({ region: this.region.code, workers, apiServerCidrs: privateCidrs, vpcCidr: this.region.vpcCidr });
    const namespace = this.addObjects(
      'queue-scaler-namespace',
      objects.filter((o) => o.kind === 'Namespace'),
    );
    this.addObjects(
      'queue-scaler',
      objects.filter((o) => o.kind !== 'Namespace'),
      [...namespace, ...this.productNamespace],
    );
  }

  /** Jobs that apply what the AWS provider cannot: the search ISM policy, RabbitMQ's dead-letter policy and users, the Kafka topics, the services' database users. */
  private addOperationsJobs(regional: RegionalStack): void {
    const region = regional.foundation.region.code;
    const jobs: KubernetesObject[] = [];
    if (regional.searchDomain) {
      const clients = regional.foundation.environment.services
        .filter((s) => s.dataStores.includes('search') && regional.serviceRoleArns.has(s.name))
        .map((s) => ({ service: s.name, roleArn: regional.serviceRoleArns.get(s.name)! }));
      jobs.push(...searchRotationObjects({ region, endpoint: regional.searchDomain.endpoint, masterRoleArn: regional.searchDomain.masterRole.arn, clients }));
    }
    if (regional.rabbitMq) {
      const broker = regional.rabbitMq;
      jobs.push(
        ...rabbitMqDeadLetterObjects({
          region,
          consoleUrl: broker.broker.instances.get(0).consoleUrl,
          username: broker.adminUsername,
          passwordSecretArn: broker.adminPassword.secret.arn,
        }),
      );
    }
    const queue = regional.dataStores.rabbitmq;
    const { queues } = regional.foundation.environment.components;
    if (regional.rabbitMq && queue?.credentialFor) {
      const broker = regional.rabbitMq;
      const clients = brokerClients(regional.foundation.environment.services, 'rabbitmq', queues);
      jobs.push(
        ...rabbitMqUsersObjects({
          region,
          consoleUrl: broker.broker.instances.get(0).consoleUrl,
          username: broker.adminUsername,
          passwordSecretArn: broker.adminPassword.secret.arn,
          topology: rabbitMqTopology(clients),
          users: clients.map((s) => ({
            user: rabbitMqUsername(s.name),
            // The secret's own ARN (its credential's SECRET_ARN variable): the Job fetches the value by it.
            passwordSecretArn: queue.credentialFor!(s).env[brokerVariables(s, 'rabbitmq', queues)('SECRET_ARN')],
            permissions: rabbitMqPermissions(s),
          })),
        }),
      );
    }
    if (regional.kafka) {
      const services = brokerClients(regional.foundation.environment.services, 'kafka', queues);
      const maxPods = (name: string) => {
        const workload = this.workloads.find((w) => w.service.name === name);
        return workload ? (workload.scaling?.max ?? workload.replicas) : 1;
      };
      const topics = kafkaTopics(services, { brokers: regional.kafka.brokers, maxPods });
      if (topics.length > 0) jobs.push(...kafkaTopicsObjects({ region, clusterArn: regional.kafka.cluster.arn, topics }));
    }
    if (regional.databaseAdmin) {
      const environment = regional.foundation.environment;
      // Each service's user is unique to the environment (config/database-user.ts); its schema keeps
      // the service's name, and the user it replaces (the bare service name) passes on what it owns.
      const clients = environment.services.filter((s) => s.dataStores.includes('database'));
      const users = clients.map((s) => ({ user: databaseUserName(environment.name, s.name), schema: s.name, formerUser: s.name }));
      // Behind PgBouncer each user logs in with the password of its own secret (stacks/pooler.ts), not IAM.
      const owned = regional.pooler?.ownedSecretArns;
      const passwords = owned && clients.map((s, i) => ({ user: users[i].user, secretArn: owned[s.name] }));
      const sql = passwords
        ? databaseUsersSql({ users, passwordFiles: Object.fromEntries(passwords.map((p, i) => [p.user, databasePasswordFile(i)])), revokeIam: true })
        : databaseUsersSql({ users });
      if (users.length > 0)
        jobs.push(
          ...databaseUsersObjects({
            region,
            databases: regional.databaseAdmin.databases,
            sql,
            passwords,
            users: users.map((u) => u.user),
            passwordVersion: regional.pooler?.passwordVersion,
          }),
        );
    }
    if (jobs.length === 0) return;
    const namespace = this.addObjects('operations-namespace', [operationsNamespace()]);
    this.addObjects('operations', jobs, namespace);
  }

  /** The region's CockroachDB: its namespace first, then everything in it. */
  private addCockroach({ environment, blueprint, regional }: AppsStackProps): void {
    // Every region's backup bucket is `<env>-<region>-crdb-<account id>`; the regions share the account.
    const accountId = regional.foundation.encryptionKey.accountId;
    const placement = cockroachPlacement(environment, blueprint, regional.foundation.region, (code) => backupBucketName(environment.name, code, accountId));
    const services = environment.services.filter((s) => s.dataStores.includes('database')).map((s) => s.name);
    const objects = cockroachObjects(placement, services);
    const namespace = this.addObjects(
      'cockroachdb-namespace',
      objects.filter((o) => o.kind === 'Namespace'),
    );
    const resources = this.addObjects(
      'cockroachdb',
      objects.filter((o) => o.kind !== 'Namespace'),
      [...namespace, ...this.productNamespace],
    );
    // The client certificates are written only once this region is in the database and (first
    // region) the services' users exist, so a service that mounts one can log in.
    const job = (prefix: string) => resources.filter((r) => r.object.kind === 'Job' && r.object.metadata.name.startsWith(prefix));
    const membership = [...job('cockroachdb-init-'), ...job('cockroachdb-region-')];
    for (const certificates of job('cockroachdb-client-certs-')) certificates.dependsOn = [...(certificates.dependsOn ?? []), ...membership.map(address)];
  }

  /**
   * Applies `objects`, each as the typed resource of its kind under the construct `id`, after
   * `dependsOn` (e.g. the namespace they live in). Returns the resources. The construct ids are
   * those the objects had as `kubernetes_manifest` resources (`<kind>-<name>`); the addresses
   * change with the resource type anyway (CHANGELOG, upgrade notes).
   */
  addObjects(id: string, objects: readonly KubernetesObject[], dependsOn: readonly ITerraformDependable[] = []): KubernetesObjectResource[] {
    const scope = new Construct(this, id);
    return objects.map((object) => {
      const resource = new KubernetesObjectResource(scope, `${object.kind}-${object.metadata.name}`.toLowerCase(), { object, dependsOn });
      this.applied.push({ object, resource });
      return resource;
    });
  }

  /** Every object this stack applies. */
  get objects(): KubernetesObject[] {
    return this.applied.map((a) => a.object);
  }
}

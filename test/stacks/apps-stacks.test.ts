/**
 * The `<env>-<region>-apps` stacks of the example environments: every Kubernetes object passes
 * the API schema and the pod hardening, the autoscalers carry the sizing's ranges and the seed's
 * targets, and the NetworkPolicies allow exactly what each service declares.
 */
import { COLLECTOR_NAMESPACE, OTLP_GRPC_PORT, OTLP_HTTP_PORT } from '../../services/platform/otel-collector';
import { OPERATIONS_JOB_DEADLINE_SECONDS, OPERATIONS_NAMESPACE, rabbitMqUsersObjects } from '../../services/platform/operations-jobs';
import { durationSeconds } from '../../policies/rules/kubernetes-pod-hardening/WorkloadProvisionsProduced';
import { serviceWorkloads } from '../../stacks/service-workloads';
import { standbyDatabaseUsers } from '../../stacks/standby-database-users';
import { deployment } from '../../services/kubernetes/deployment';
import { kubernetesSchemaReport } from '../helpers/kubernetes';
import { ExampleSynthesis, StackJson, synthesizeExamples, synthesizeYaml } from '../helpers/examples';
import { SizedEnvironment, sizeEnvironments } from '../../sizing/blueprint';
import { podBounds } from '../../sizing/autoscaling/resolve';
import { WEBSOCKET_DEFAULTS } from '../../config/autoscaling';
import { MAX_MEMORY_TARGET_PERCENT } from '../../sizing/autoscaling/websocket-gateway';
import { API_DEFAULTS } from '../../sizing/autoscaling/api';
import { POD_IDENTITY_AGENT } from '../../services/kubernetes/network-policy';
import { cpuQuantity, memoryQuantity } from '../../services/kubernetes/workload-spec';
import { DATA_STORE_STAGES } from '../../config/service-definition';
import { COCKROACH_SQL_PORT as COCKROACH_PORT } from '../../services/platform/cockroachdb/names';
import { POSTGRES_PORT } from '../../constructs/aws/postgres-instance';
import { KAFKA_IAM_TLS_PORT } from '../../constructs/aws/kafka-cluster';
import { RABBITMQ_PORTS } from '../../constructs/aws/rabbitmq-broker';
import { appliedObjects } from '../helpers/kubernetes-typed';
import { isTypedKubernetesType } from '../../synthesis/kubernetes-typed';

type K8s = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [k: string]: any;
};

function objectsOf(stack: StackJson): K8s[] {
  return appliedObjects(stack as { resource?: Record<string, Record<string, unknown>> }) as K8s[];
}

/** Namespaces of the platform's own workloads, applied by the same stacks beside the product. */
const PLATFORM_NAMESPACES = ['kube-system', 'cockroachdb', COLLECTOR_NAMESPACE, OPERATIONS_NAMESPACE];

/** The product's objects: its namespace and everything in it. */
function productObjectsOf(stack: StackJson): K8s[] {
  return objectsOf(stack).filter((o) => o.metadata.namespace === 'product' || (o.kind === 'Namespace' && o.metadata.name === 'product'));
}

/** The hardening the issue asks of every pod, as a list of what is missing. */
function hardeningProblems(deployment: K8s): string[] {
  const problems: string[] = [];
  const pod = deployment.spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) problems.push('pod runAsNonRoot');
  if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push('pod seccomp');
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${c.name} readOnlyRootFilesystem`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${c.name} allowPrivilegeEscalation`);
    if (sc.privileged !== false) problems.push(`${c.name} privileged`);
    if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') problems.push(`${c.name} capabilities`);
    if (!c.livenessProbe || !c.readinessProbe) problems.push(`${c.name} probes`);
    for (const field of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) {
      const [kind, name] = field.split('.');
      if (c.resources?.[kind]?.[name] === undefined) problems.push(`${c.name} ${field}`);
    }
    if (/:latest$|^[^:]+$/.test(c.image)) problems.push(`${c.name} image not pinned`);
  }
  return problems;
}

let examples: ExampleSynthesis;
let sized: SizedEnvironment[];
const clusterStacks = () => examples.summaries.filter((s) => s.name.endsWith('-apps'));
const environmentOf = (stackName: string) => sized.find((s) => stackName.startsWith(`${s.environment.name}-`))!;

beforeAll(() => {
  examples = synthesizeExamples();
  sized = sizeEnvironments(examples.environments);
});

describe('apps stacks', () => {
  it('exist for each region of the cluster stages and nowhere else', () => {
    expect(
      clusterStacks()
        .map((s) => s.name)
        .sort(),
    ).toEqual([
      'acme-growth-us-east-1-apps',
      'acme-hyperscale-us-east-1-apps',
      'acme-massive-ap-northeast-1-apps',
      'acme-massive-eu-west-1-apps',
      'acme-massive-us-east-1-apps',
      'acme-scale-us-west-2-apps',
    ]);
  });

  it('use only the kubernetes provider, configured from the regional stack and authenticated by aws eks get-token', () => {
    for (const { name } of clusterStacks()) {
      const stack = examples.stack(name);
      const regional = name.replace(/-apps$/, '');
      const region = regional.replace(/^acme-[a-z]+-/, '');
      expect(Object.keys(stack.provider ?? {})).toEqual(['kubernetes']);
      // Typed resources only (they plan without the cluster's API): no kubernetes_manifest, nothing but kubernetes.
      expect(Object.keys(stack.resource ?? {}).filter((type) => !isTypedKubernetesType(type))).toEqual([]);
      const [provider] = stack.provider!.kubernetes as Array<Record<string, any>>;
      const remote = `data.terraform_remote_state.cross-stack-reference-input-${regional}.outputs.`;
      expect(provider.host).toContain(remote);
      expect(provider.cluster_ca_certificate).toContain(remote);
      expect(provider.exec).toEqual([
        {
          api_version: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['eks', 'get-token', '--cluster-name', expect.stringContaining(remote), '--region', region],
        },
      ]);
      expect(provider.token).toBeUndefined();
    }
  });

  it('emit only objects that pass the Kubernetes API schema', () => {
    for (const { name } of clusterStacks()) expect({ name, problems: kubernetesSchemaReport(objectsOf(examples.stack(name))) }).toEqual({ name, problems: [] });
  });

  it('run, per stage, exactly the catalog services of that stage, each hardened', () => {
    for (const { name } of clusterStacks()) {
      const { environment } = environmentOf(name);
      const deployments = productObjectsOf(examples.stack(name)).filter((o) => o.kind === 'Deployment');
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(environment.services.map((s) => s.name).sort());
      for (const d of deployments)
        expect({ deployment: d.metadata.name, problems: hardeningProblems(d) }).toEqual({ deployment: d.metadata.name, problems: [] });
    }
  });

  it('put the services in the product namespace, which enforces Pod Security "restricted"', () => {
    for (const { name } of clusterStacks()) {
      const { environment } = environmentOf(name);
      const objects = objectsOf(examples.stack(name));
      const namespace = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'product')!;
      expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
      const catalog = new Set(environment.services.map((service) => service.name));
      for (const o of objects.filter((o) => catalog.has(o.metadata.name)))
        expect({ object: `${o.kind} ${o.metadata.name}`, namespace: o.metadata.namespace }).toEqual({
          object: `${o.kind} ${o.metadata.name}`,
          namespace: 'product',
        });
      // Everything else namespaced belongs to the platform's workloads, never to a namespace nobody set up.
      const namespaces = new Set(objects.map((o) => o.metadata.namespace).filter((ns) => ns !== undefined));
      expect([...namespaces].filter((ns) => ns !== 'product' && !PLATFORM_NAMESPACES.includes(ns!))).toEqual([]);
      for (const sa of objects.filter((o) => o.kind === 'ServiceAccount' && catalog.has(o.metadata.name))) expect(sa.automountServiceAccountToken).toBe(false);
    }
  });

  it('give the websocket gateway and the API the pod ranges the sizing derived, with the seed targets', () => {
    for (const { name } of clusterStacks()) {
      const { environment, blueprint } = environmentOf(name);
      const hpas = new Map(
        objectsOf(examples.stack(name))
          .filter((o) => o.kind === 'HorizontalPodAutoscaler')
          .map((o) => [o.metadata.name, o.spec]),
      );
      const gateway = hpas.get('websocket-gateway');
      expect(gateway).toMatchObject({ minReplicas: blueprint.services!['websocket-gateway'].min, maxReplicas: blueprint.services!['websocket-gateway'].max });
      // Resource metrics only (metrics-server serves them): memory stands for connections, capped below the limit.
      const demand = environment.services.find((s) => s.name === 'websocket-gateway')!.demand;
      const connectionsPerPod = demand.driver === 'connections' ? demand.connectionsPerPod : WEBSOCKET_DEFAULTS.scaleUpConnectionsPerPod;
      const memoryPercent = Math.min(MAX_MEMORY_TARGET_PERCENT, Math.round((100 * WEBSOCKET_DEFAULTS.scaleUpConnectionsPerPod) / connectionsPerPod));
      expect(gateway.metrics).toEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: WEBSOCKET_DEFAULTS.scaleUpCpuPercent } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: memoryPercent } } },
      ]);
      expect(gateway.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
      const api = hpas.get('api');
      expect(api).toMatchObject({ minReplicas: blueprint.services!.api.min, maxReplicas: blueprint.services!.api.max });
      expect(api.metrics).toEqual([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: API_DEFAULTS.cpuTargetPercent } } },
      ]);
      // Every autoscaled service of the catalog has an HPA with its bounds; fixed ones have replicas instead.
      for (const service of environment.services) {
        const bounds = podBounds(environment, blueprint, service);
        if (service.scaling.rule === 'fixed') expect(hpas.has(service.name)).toBe(false);
        else expect(hpas.get(service.name)).toMatchObject({ minReplicas: bounds.min, maxReplicas: bounds.max });
      }
    }
  });

  it('request what each service defines, which is what the sizing packed onto the nodes', () => {
    for (const { name } of clusterStacks()) {
      const { environment, blueprint } = environmentOf(name);
      const container = (service: string) =>
        objectsOf(examples.stack(name)).find((o) => o.kind === 'Deployment' && o.metadata.name === service)!.spec.template.spec.containers[0];
      for (const service of environment.services) {
        const { cpuMillis, memoryMiB } = service.resources.requests;
        expect(container(service.name).resources.requests).toEqual({ cpu: cpuQuantity(cpuMillis), memory: memoryQuantity(memoryMiB) });
        expect(blueprint.services![service.name]).toMatchObject({ cpu: cpuMillis / 1000, memoryGiB: memoryMiB / 1024 });
      }
    }
  });

  it('give every service a disruption budget and spread its pods across zones', () => {
    for (const { name } of clusterStacks()) {
      const objects = productObjectsOf(examples.stack(name));
      for (const d of objects.filter((o) => o.kind === 'Deployment')) {
        const selector = d.spec.selector.matchLabels;
        const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === d.metadata.name)!;
        expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
        expect(d.spec.template.spec.topologySpreadConstraints).toContainEqual({
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: selector },
        });
      }
    }
  });

  it('deny all traffic by default and allow each service only its declared callers, data stores and callees', () => {
    for (const { name } of clusterStacks()) {
      const { environment } = environmentOf(name);
      const objects = objectsOf(examples.stack(name));
      const policies = new Map(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => [o.metadata.name, o.spec]));
      expect(policies.get('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      for (const service of environment.services) {
        const spec = policies.get(service.name);
        const callers = environment.services.filter((s) => s.calls.includes(service.name)).map((s) => s.name);
        const ingressFromPods = spec.ingress.flatMap((rule: any) =>
          rule.from.filter((f: any) => f.podSelector).map((f: any) => f.podSelector.matchLabels['app.kubernetes.io/name']),
        );
        expect({ service: service.name, callers: ingressFromPods.sort() }).toEqual({ service: service.name, callers: callers.sort() });
        const ingressFromAddresses = spec.ingress.filter((rule: any) => rule.from.some((f: any) => f.ipBlock));
        expect(ingressFromAddresses.length).toBe(service.ports.some((p) => p.public) ? 1 : 0);

        const calleePods = spec.egress.flatMap((rule: any) =>
          rule.to.filter((t: any) => t.podSelector && !t.namespaceSelector).map((t: any) => t.podSelector.matchLabels['app.kubernetes.io/name']),
        );
        expect(calleePods.sort()).toEqual(
          environment.services
            .filter((s) => service.calls.includes(s.name))
            .map((s) => s.name)
            .sort(),
        );
        // Ports reached: the declared stores' ports (S3 goes through the shared HTTPS rule), the callees' ports, the Pod Identity agent and HTTPS.
        const ports = new Set<number>(spec.egress.flatMap((rule: any) => rule.ports.map((p: any) => p.port)));
        const { blueprint } = environmentOf(name);
        const storePorts: Record<string, number[]> = {
          database: [blueprint.databaseEngine === 'cockroachdb' ? COCKROACH_PORT : POSTGRES_PORT],
          redis: [6379],
          queue: [blueprint.kafka ? KAFKA_IAM_TLS_PORT : RABBITMQ_PORTS.amqps],
          search: [443],
          objectStorage: [],
        };
        const expected = new Set([
          ...service.dataStores.flatMap((store) => storePorts[store]),
          ...environment.services.filter((s) => service.calls.includes(s.name)).flatMap((s) => s.ports.map((p) => p.port)),
          POD_IDENTITY_AGENT.port,
          443,
          // Spans to the region's collector.
          OTLP_GRPC_PORT,
          OTLP_HTTP_PORT,
        ]);
        expect({ service: service.name, ports: [...ports].sort() }).toEqual({ service: service.name, ports: [...expected].sort() });
        for (const rule of spec.egress) expect(rule.to.length).toBeGreaterThan(0); // an empty `to` would allow everything
      }
    }
  });

  it('has the data stores each service needs on every stage it runs on', () => {
    for (const { environment } of sized) {
      for (const service of environment.services) for (const store of service.dataStores) expect(DATA_STORE_STAGES[store]).toContain(environment.stage);
    }
  });
});

describe('deploy order of the services after the Jobs that make their users and topics (issue 15)', () => {
  /** Each Deployment's Jobs it depends on, by the Job's name without its hash. */
  const jobsBefore = (stackName: string): Map<string, string[]> => {
    const stack = examples.stack(stackName) as { resource: Record<string, Record<string, { metadata: { name: string }; depends_on?: string[] }>> };
    const jobByAddress = new Map(Object.entries(stack.resource.kubernetes_job_v1 ?? {}).map(([id, job]) => [`kubernetes_job_v1.${id}`, job.metadata.name]));
    return new Map(
      Object.values(stack.resource.kubernetes_deployment_v1).map((d) => [
        d.metadata.name,
        (d.depends_on ?? [])
          .filter((a) => jobByAddress.has(a))
          .map((a) => jobByAddress.get(a)!.replace(/-[0-9a-f]{8}$/, ''))
          .sort(),
      ]),
    );
  };
  const usesOf = (stackName: string) => {
    const services = environmentOf(stackName).environment.services;
    return (store: string) => services.filter((s) => (s.dataStores as readonly string[]).includes(store)).map((s) => s.name);
  };

  it('start each service on growth after the database-users Job, and each RabbitMQ client after the rabbitmq-users Job', () => {
    const stack = 'acme-growth-us-east-1-apps';
    const before = jobsBefore(stack);
    const uses = usesOf(stack);
    expect(uses('database').length).toBeGreaterThan(0);
    for (const service of uses('database')) expect(before.get(service)).toContain('database-users');
    const queue = [...uses('queue'), ...uses('rabbitmq')];
    expect(queue.length).toBeGreaterThan(0);
    for (const service of queue) expect(before.get(service)).toContain('rabbitmq-users');
    for (const service of uses('search')) expect(before.get(service)).toContain('search-index-rotation');
    // The platform's own Deployments need none of them.
    expect(before.get('cluster-autoscaler')).toEqual([]);
  });

  it('start each Kafka client on hyperscale and massive after the kafka-topics Job of its region', () => {
    for (const stack of ['acme-hyperscale-us-east-1-apps', 'acme-massive-us-east-1-apps', 'acme-massive-eu-west-1-apps', 'acme-massive-ap-northeast-1-apps']) {
      const before = jobsBefore(stack);
      const uses = usesOf(stack);
      const clients = [...uses('queue'), ...uses('kafka')];
      expect(clients.length).toBeGreaterThan(0);
      for (const service of clients)
        expect({ stack, service, jobs: before.get(service) }).toEqual({ stack, service, jobs: expect.arrayContaining(['kafka-topics']) });
    }
  });

  it('wait for each operations Job to complete for longer than its deadline, with no TTL, under a name that changes with what it applies', () => {
    for (const summary of clusterStacks()) {
      const stack = examples.stack(summary.name) as { resource: Record<string, Record<string, any>> };
      for (const job of Object.values(stack.resource.kubernetes_job_v1 ?? {}).filter((j) => j.metadata.namespace === OPERATIONS_NAMESPACE)) {
        const deadline = Number(job.spec.active_deadline_seconds);
        expect(deadline).toBe(OPERATIONS_JOB_DEADLINE_SECONDS);
        expect(job.wait_for_completion).toBe(true);
        for (const timeout of [job.timeouts.create, job.timeouts.update]) expect(durationSeconds(timeout)).toBeGreaterThan(deadline);
        expect(job.spec.ttl_seconds_after_finished).toBeUndefined();
        expect(job.lifecycle?.create_before_destroy).toBeUndefined();
        expect(job.metadata.name).toMatch(/-[0-9a-f]{8}$/);
      }
    }
  });

  it('names a new rabbitmq-users Job when the user list changes, so a re-apply runs it again', () => {
    const users = (names: string[]) =>
      rabbitMqUsersObjects({
        region: 'us-east-1',
        consoleUrl: 'https://b.mq.us-east-1.amazonaws.com',
        username: 'stagecraft-admin',
        passwordSecretArn: 'arn:aws:secretsmanager:[a-z0-9-]+:1:secret:admin',
        topology: { exchanges: ['orders'], bindings: [] },
        users: names.map((user) => ({ user, passwordSecretArn: `arn:${user}`, permissions: { configure: '^$', write: '^(orders)$', read: '^$' } })),
      }).find((o) => o.kind === 'Job')!;
    const before = users(['service-api']);
    const after = users(['service-api', 'service-worker']);
    expect(after.metadata.name).not.toBe(before.metadata.name);
    expect(after.metadata.annotations).toEqual({
      'stagecraft.io/provisions': 'rabbitmq-exchange/orders,rabbitmq-user/service-api,rabbitmq-user/service-worker',
    });
  });

  it("declares a standby region's database users as made by the primary region's Job, and nothing else", () => {
    const [api, worker] = serviceWorkloads(
      examples.environments.find((e) => e.stage === 'growth')!,
      sized.find((s) => s.environment.stage === 'growth')!.blueprint,
      {
        database: {
          kind: 'database',
          engine: 'Aurora PostgreSQL',
          port: 5432,
          env: {},
          secretArns: [],
          bucketArns: [],
          credentialFor: (s) => ({ mechanism: 'IAM database user', env: { DATABASE_AUTH: 'iam', DATABASE_USER: s.name } }),
        },
      },
    );
    expect(standbyDatabaseUsers([api, worker], true).map((w) => w.externalProvisions)).toEqual([undefined, undefined]);
    const standby = standbyDatabaseUsers([api, worker], false);
    expect(standby.map((w) => w.externalProvisions)).toEqual(
      [api, worker].map((w) => (w.service.dataStores.includes('database') ? [`database-user/${w.service.name}`] : undefined)),
    );
    expect(deployment(standby[0]).metadata.annotations).toEqual({ 'stagecraft.io/external-provisions': `database-user/${api.service.name}` });
  });
});

describe('the regional side of the services', () => {
  it("gives each service a Pod Identity role that reads exactly its data stores' secrets and connects to Redis with IAM", () => {
    for (const { name } of clusterStacks()) {
      const regional = name.replace(/-apps$/, '');
      const { environment } = environmentOf(name);
      const associations = examples.resources(regional, 'aws_eks_pod_identity_association');
      const productAssociations = associations.filter((a) => a.namespace === 'product');
      expect(productAssociations.map((a) => a.service_account).sort()).toEqual(environment.services.map((s) => s.name).sort());
      // The services' roles, named by their Pod Identity associations (the platform's roles are tested with CockroachDB and the cluster autoscaler).
      const serviceRoles = productAssociations.map((a) => /aws_iam_role\.([^.]+)\./.exec(String(a.role_arn))![1]);
      const policies = examples
        .resources(regional, 'aws_iam_role_policy')
        .filter((p) => serviceRoles.some((role) => String(p.role).includes(`aws_iam_role.${role}.`)))
        .map((p) => JSON.parse(String(p.policy)));
      // Every cluster stage's services use Redis, which they reach with IAM: no secret, only elasticache:Connect.
      const redis = policies.filter((p) => p.Statement.some((s: any) => s.Sid === 'ConnectToRedis'));
      expect(redis.length).toBeGreaterThan(0);
      for (const policy of redis) {
        const connect = policy.Statement.find((s: any) => s.Sid === 'ConnectToRedis');
        expect(connect.Action).toEqual(['elasticache:Connect']);
        expect(connect.Resource).toEqual([
          // Built from the group's id and the user's id: known when the plan is read.
          expect.stringMatching(/^arn:aws:elasticache:[a-z0-9-]+:\d{12}:replicationgroup:acme-[a-z]+-[a-z0-9-]+-redis$/),
          expect.stringMatching(/^arn:aws:elasticache:[a-z0-9-]+:\d{12}:user:\$\{aws_elasticache_user\.redis_app-user_[^.]+\.user_id\}$/),
        ]);
      }
      for (const policy of policies.filter((p) => p.Statement.some((s: any) => s.Sid === 'ReadSecrets'))) {
        const read = policy.Statement.find((s: any) => s.Sid === 'ReadSecrets');
        expect(read.Action).toEqual(['secretsmanager:GetSecretValue']);
        // Built from its name where Stagecraft names the secret; the RDS master secret (a generated name) and the broker users (not yet built) are references.
        for (const arn of read.Resource)
          expect(arn).toMatch(
            /^(arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:acme-[a-z]+\/[\w/.-]+-\?{6}|\$\{aws_(secretsmanager_secret|db_instance|rds_cluster)\.[^}]+\})$/,
          );
      }
    }
  });

  it('enforces NetworkPolicies in the VPC CNI', () => {
    for (const { name } of clusterStacks()) {
      const cni = examples.resources(name.replace(/-apps$/, ''), 'aws_eks_addon').find((a) => a.addon_name === 'vpc-cni')!;
      expect(JSON.parse(String(cni.configuration_values))).toEqual({ enableNetworkPolicy: 'true' });
    }
  });
});

describe('per-environment autoscaling overrides', () => {
  it('replace the thresholds and the range, and render into the HPA', () => {
    const yaml =
      'name: acme-tuned\nstage: growth\nregions: [us-east-1]\ndomain: tuned.example.com\n' +
      'autoscaling:\n  websocket: { min: 4, max: 9, scaleUpCpuPercent: 60, scaleUpConnectionsPerPod: 35000, scaleDownCpuPercent: 30, scaleDownConnectionsPerPod: 20000 }\n  api: { cpuTargetPercent: 55 }\n' +
      'services:\n  delivery-worker: { min: 2, max: 6 }\n';
    const synthesis = synthesizeYaml(yaml);
    const hpas = new Map(
      objectsOf(synthesis.stack('acme-tuned-us-east-1-apps'))
        .filter((o) => o.kind === 'HorizontalPodAutoscaler')
        .map((o) => [o.metadata.name, o]),
    );
    const gateway = hpas.get('websocket-gateway')!;
    expect(gateway.spec).toMatchObject({ minReplicas: 4, maxReplicas: 9 });
    // 35,000 connections of the 50,000 the pod's memory is sized for: memory at 70% of the request.
    expect(gateway.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 60],
      ['memory', 70],
    ]);
    expect(gateway.metadata.annotations).toMatchObject({
      'stagecraft.io/scale-down-rule': 'CPU < 30% AND websocket_connections < 20000 per pod',
      'stagecraft.io/connections-as-memory':
        'memory 70% of the request stands for 35000 connections per pod (request sized for 50000); no custom metrics adapter serves websocket_connections',
      'stagecraft.io/scale-down-enforced': 'CPU < 54% AND memory < 63% for 600 s, at most 10% of pods per 60 s',
    });
    // Without a workload the API keeps the stage's pod floor, up to the floor × the headroom.
    expect(hpas.get('api')!.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, metrics: [{ resource: { target: { averageUtilization: 55 } } }] });
    expect(hpas.get('delivery-worker')!.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
  });
});

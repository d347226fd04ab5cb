/**
 * The converter between Kubernetes API objects and the kubernetes provider's typed resources:
 * every object of every example apps stack round-trips exactly (what is validated is what is
 * applied), field names and types follow the provider's schema, an unknown kind or field is an error
 * naming the object and the field, and the committed table matches the provider bindings and
 * kubernetes-models installed (npm run k8s-schema).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sizeEnvironments } from '../../sizing/blueprint';
import { buildApp } from '../../stacks/app';
import { apiObjectOf, typedArguments, typedKinds } from '../../synthesis/kubernetes-typed';
import { TABLE_PATH } from '../../synthesis/kubernetes-table';
import { buildKubernetesTable, renderTable } from '../../scripts/kubernetes-schema';
import { cachedExampleSynthesis, PROJECT_ROOT } from '../helpers/examples';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'product', labels: { app: 'api' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'api' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'api',
            image: 'api:1',
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [{ name: 'PORT', value: '8080' }],
            resources: { requests: { cpu: '250m', memory: '512Mi' } },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
            livenessProbe: { tcpSocket: { port: 8080 } },
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
};

describe('typedArguments', () => {
  it("names fields and blocks as the provider does, with the provider's types", () => {
    const { resourceType, arguments: args } = typedArguments(deployment);
    expect(resourceType).toBe('kubernetes_deployment_v1');
    const spec = args.spec as any;
    expect(spec.replicas).toBe('3');
    expect(spec.strategy.rolling_update).toEqual({ max_surge: '25%', max_unavailable: '0' });
    const pod = spec.template.spec;
    expect(pod.security_context).toEqual({ run_as_non_root: true, run_as_user: '10001', seccomp_profile: { type: 'RuntimeDefault' } });
    expect(pod.container[0].port).toEqual([{ name: 'http', container_port: 8080 }]);
    expect(pod.container[0].volume_mount).toEqual([{ name: 'tmp', mount_path: '/tmp' }]);
    expect(pod.container[0].readiness_probe).toEqual({ http_get: { path: '/ready', port: 'http' }, period_seconds: 5 });
    // An API object the provider declares as a list block without MaxItems 1 is a list of one.
    expect(pod.container[0].liveness_probe.tcp_socket).toEqual([{ port: '8080' }]);
    expect(pod.volume).toEqual([{ name: 'tmp', empty_dir: {} }]);
    expect(apiObjectOf(resourceType, args)).toEqual(deployment);
  });

  it('converts RBAC, autoscaling and network policy lists to the blocks the provider names', () => {
    const role = typedArguments({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'x' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' },
      subjects: [{ kind: 'ServiceAccount', name: 'x', namespace: 'kube-system' }],
    });
    expect(role).toEqual({
      resourceType: 'kubernetes_cluster_role_binding_v1',
      arguments: {
        metadata: { name: 'x' },
        role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' },
        subject: [{ kind: 'ServiceAccount', name: 'x', namespace: 'kube-system' }],
      },
    });
    const hpa = typedArguments({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'product' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
    expect((hpa.arguments.spec as any).metric).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 70 } } },
    ]);
    const storage = typedArguments({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'gp3' },
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(storage.arguments).toEqual({ metadata: { name: 'gp3' }, storage_provisioner: 'ebs.csi.aws.com', volume_binding_mode: 'WaitForFirstConsumer' });
  });

  it('refuses an unknown kind, naming the object and the kinds it supports', () => {
    expect(() => typedArguments({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' } })).toThrow(
      `example.com/v1 Widget n/w: kind: no typed kubernetes resource applies example.com/v1 Widget; supported: ${typedKinds()
        .map((k) => `${k.apiVersion} ${k.kind}`)
        .join(', ')}`,
    );
  });

  it('refuses a field the typed resource cannot carry, naming the object and the field, never dropping it', () => {
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'api', namespace: 'product' },
      spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    };
    expect(() => typedArguments(pdb)).toThrow(
      'policy/v1 PodDisruptionBudget product/api: spec.unhealthyPodEvictionPolicy: kubernetes_pod_disruption_budget_v1 has no argument for this field (the typed resources carry maxUnavailable, minAvailable, selector here)',
    );
  });

  it('refuses values that would not read back as written', () => {
    const withPort = (port: unknown) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'api', namespace: 'product' },
      spec: { ports: [{ port: 80, targetPort: port }] },
    });
    expect(() => typedArguments(withPort('8080'))).toThrow(
      'v1 Service product/api: spec.ports[0].targetPort: a number, or a name or percentage string, is allowed; received string "8080"',
    );
    expect(typedArguments(withPort(8080)).arguments.spec).toEqual({ port: [{ port: 80, target_port: '8080' }] });
    const withCpu = { ...deployment, spec: { ...deployment.spec, replicas: 'three' } };
    expect(() => typedArguments(withCpu)).toThrow('apps/v1 Deployment product/api: spec.replicas: a number is allowed; received string "three"');
  });
});

describe('every object of every example apps stack', () => {
  let tmp: string;
  let applied: Array<{ stack: string; resourceType: string; object: Record<string, unknown>; body: Record<string, unknown> }>;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'stagecraft-typed-'));
    // The objects as the apps stacks build them (the app constructed, not synthesized again), and
    // the bodies the examples' synthesis wrote for them: the same environments through the same code
    // (the synthesis every test file shares, test/helpers/synthesis-cache.ts).
    const { environments, outdir } = cachedExampleSynthesis('chat');
    const { stacks } = buildApp(sizeEnvironments(environments), { outdir: join(tmp, 'cdktf.out'), state: { outdir: join(tmp, 'cdktf.out'), stateDir: tmp } });
    applied = stacks.flatMap((s) =>
      s.apps.flatMap((apps) => {
        const json = JSON.parse(readFileSync(join(outdir, 'stacks', apps.stackName, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, any> };
        return apps.applied.map(({ object, resource }) => ({
          stack: apps.stackName,
          resourceType: resource.terraformResourceType,
          object: object as Record<string, unknown>,
          body: json.resource[resource.terraformResourceType][resource.friendlyUniqueId],
        }));
      }),
    );
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is applied as a typed resource, never as kubernetes_manifest', () => {
    expect(applied.length).toBeGreaterThan(300);
    expect(applied.filter((a) => !a.resourceType.startsWith('kubernetes_') || a.resourceType === 'kubernetes_manifest')).toEqual([]);
  });

  it('reads back from its typed resource exactly as it was built: reverse(convert(o)) equals o', () => {
    const mismatches = applied.filter(({ resourceType, object }) => {
      const { arguments: args } = typedArguments(object as never);
      return JSON.stringify(sortKeys(apiObjectOf(resourceType, args))) !== JSON.stringify(sortKeys(JSON.parse(JSON.stringify(object))));
    });
    expect(mismatches.map((m) => `${m.stack} ${String(m.object.kind)} ${String((m.object.metadata as { name: string }).name)}`)).toEqual([]);
  });

  it('reads back from the synthesized JSON with the API kind, name and namespace it was built with', () => {
    for (const { resourceType, object, body } of applied) {
      const back = apiObjectOf(resourceType, body);
      expect([back.apiVersion, back.kind, back.metadata]).toEqual([
        object.apiVersion,
        object.kind,
        expect.objectContaining({ name: (object.metadata as { name: string }).name }),
      ]);
    }
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

describe('the committed table', () => {
  it(`is what npm run k8s-schema writes from the installed bindings and kubernetes-models (${TABLE_PATH})`, () => {
    const committed = readFileSync(join(PROJECT_ROOT, TABLE_PATH), 'utf8');
    expect(renderTable(buildKubernetesTable().table) === committed).toBe(true);
  });
});

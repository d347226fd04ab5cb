/**
 * The EBS volumes Kubernetes objects claim (issue 18: the CockroachDB StatefulSets' gp3 claims
 * were counted at $0). Expected amounts are the catalog's entries multiplied out here, from the
 * sizes the objects request; never figures copied from the estimate.
 */
import { CATALOG } from '../../cost/catalog';
import { priceStack, ResourceCost } from '../../cost/estimate';
import { quantityGiB } from '../../synthesis/persistent-volumes';
import { StackJson } from '../../synthesis/stack-views';
import { synthesizeExample } from '../helpers/examples';
import { appliedObjects, typedResourcesNamed } from '../helpers/kubernetes-typed';

const gp3 = CATALOG.prices['ebs.gp3'].usd!;
const iopsUsd = CATALOG.prices['ebs.gp3Iops'].usd!;
const throughputUsd = CATALOG.prices['ebs.gp3Throughput'].usd!;
const multiplier = (region: string) => CATALOG.regions[region].multiplier;

/** A stack applying `objects` on an EKS cluster in `region`, as an apps stack writes it (no AWS provider). */
function appsStack(region: string | undefined, objects: Readonly<Record<string, unknown>>): StackJson {
  const exec = {
    api_version: 'client.authentication.k8s.io/v1beta1',
    command: 'aws',
    args: ['eks', 'get-token', '--cluster-name', 'c', ...(region ? ['--region', region] : [])],
  };
  return { provider: { kubernetes: [{ host: 'https://example', exec: [exec] }] }, resource: typedResourcesNamed(objects) };
}

const storageClass = (name: string, provisioner: string, parameters: Record<string, string>) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name },
  provisioner,
  parameters,
});

const statefulSet = (name: string, replicas: number, claims: Array<{ name: string; storage: string; storageClassName?: string }>) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name },
  spec: {
    replicas,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
    volumeClaimTemplates: claims.map((c) => ({
      metadata: { name: c.name },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: c.storage } },
        ...(c.storageClassName ? { storageClassName: c.storageClassName } : {}),
      },
    })),
  },
});

const resource = (stack: ReturnType<typeof priceStack>, address: string): ResourceCost => stack.resources.find((r) => r.address === address)!;

describe('volumes claimed by Kubernetes objects', () => {
  it("prices a StatefulSet's claim templates × its replicas as gp3 in the cluster's region, with IOPS and throughput above the baseline", () => {
    const stack = priceStack(
      'apps',
      appsStack('eu-west-1', {
        fast: storageClass('fast', 'ebs.csi.aws.com', { type: 'gp3', iops: '6000', throughput: '250' }),
        plain: storageClass('plain', 'ebs.csi.aws.com', { type: 'gp3' }),
        db: statefulSet('db', 3, [
          { name: 'data', storage: '500Gi', storageClassName: 'fast' },
          { name: 'wal', storage: '1Ti', storageClassName: 'plain' },
        ]),
      }),
    );
    const db = resource(stack, 'kubernetes_stateful_set_v1.db');
    const m = multiplier('eu-west-1');
    expect(db.status).toBe('priced');
    expect(db.components.map((c) => [c.description, c.monthlyUsd])).toEqual([
      ['3 × 500 GiB gp3 (volume claim data, storage class fast)', 3 * 500 * (gp3 * m)],
      ['3 × 3,000 IOPS above the gp3 baseline (claim data)', 3 * 3000 * (iopsUsd * m)],
      ['3 × 125 MB/s above the gp3 baseline (claim data)', 3 * 125 * (throughputUsd * m)],
      ['3 × 1,024 GiB gp3 (volume claim wal, storage class plain)', 3 * 1024 * (gp3 * m)],
    ]);
    expect(resource(stack, 'kubernetes_storage_class_v1.fast').status).toBe('free');
  });

  it('prices a standalone PersistentVolumeClaim, and keeps a StatefulSet without claims free', () => {
    const stack = priceStack(
      'apps',
      appsStack('us-east-1', {
        plain: storageClass('plain', 'ebs.csi.aws.com', { type: 'gp3' }),
        claim: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'uploads' },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'plain', resources: { requests: { storage: '200G' } } },
        },
        stateless: statefulSet('stateless', 2, []),
      }),
    );
    expect(resource(stack, 'kubernetes_persistent_volume_claim_v1.claim').monthlyUsd).toBeCloseTo((200e9 / 2 ** 30) * gp3, 10);
    expect(resource(stack, 'kubernetes_stateful_set_v1.stateless').status).toBe('free');
  });

  it.each([
    ['a volume type the catalog lacks', { type: 'io2' }, 'plain', 'claim data: volume type io2 is not in the catalog (gp3 is)'],
    ['a class that is not in the stack', { type: 'gp3' }, 'elsewhere', 'claim data: storage class elsewhere is not in the stack'],
    ['no class at all', { type: 'gp3' }, undefined, "claim data: no storage class named; the cluster's default class decides the volume type"],
  ])('leaves %s unpriced with the reason, never at $0', (_what, parameters, storageClassName, reason) => {
    const stack = priceStack(
      'apps',
      appsStack('us-east-1', {
        plain: storageClass('plain', 'ebs.csi.aws.com', parameters),
        db: statefulSet('db', 1, [{ name: 'data', storage: '10Gi', storageClassName }]),
      }),
    );
    expect(stack.unpriced.map((r) => [r.address, r.reason])).toEqual([['kubernetes_stateful_set_v1.db', reason]]);
  });

  it('leaves the volumes unpriced when the stack does not say which region its cluster is in', () => {
    const stack = priceStack(
      'apps',
      appsStack(undefined, {
        plain: storageClass('plain', 'ebs.csi.aws.com', { type: 'gp3' }),
        db: statefulSet('db', 1, [{ name: 'data', storage: '10Gi', storageClassName: 'plain' }]),
      }),
    );
    expect(stack.unpriced.map((r) => [r.address, r.reason])).toEqual([['kubernetes_stateful_set_v1.db', 'the catalog has no prices for region (unknown)']]);
  });

  it('reads Kubernetes storage quantities in GiB', () => {
    expect([quantityGiB('1000Gi'), quantityGiB('1Ti'), quantityGiB('512Mi'), quantityGiB('1G'), quantityGiB('ten')]).toEqual([
      1000,
      1024,
      0.5,
      1e9 / 2 ** 30,
      undefined,
    ]);
  });

  it("prices every CockroachDB volume of the massive example: each zone's StatefulSet, its replicas × its requested size", () => {
    const example = synthesizeExample('acme-massive');
    const apps = example.summaries.filter((s) => s.name.endsWith('-apps'));
    expect(apps.length).toBe(example.environments[0].regions.length);
    for (const summary of apps) {
      const json = example.stack(summary.name) as StackJson;
      const region = example.environments[0].regions.find((r) => summary.name.includes(`-${r.code}-`))!.code;
      const sets = appliedObjects(json).filter((o) => o.kind === 'StatefulSet');
      expect(sets.length).toBeGreaterThan(0);
      const expected = sets.reduce(
        (sum, o) => sum + o.spec.replicas * quantityGiB(o.spec.volumeClaimTemplates[0].spec.resources.requests.storage)! * gp3 * multiplier(region),
        0,
      );
      const cost = priceStack(summary.name, json);
      const priced = cost.resources.filter((r) => r.type === 'kubernetes_stateful_set_v1');
      expect(priced.every((r) => r.status === 'priced')).toBe(true);
      expect(priced.reduce((sum, r) => sum + r.monthlyUsd, 0)).toBeCloseTo(expected, 6);
      expect(expected).toBeGreaterThan(0);
    }
  });
});

describe('Kubernetes Services', () => {
  const service = (type: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api' },
    spec: { type, selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
  });

  it('leaves a Service of type LoadBalancer unpriced (the cluster makes a load balancer for it), and keeps the others free', () => {
    const stack = priceStack('apps', appsStack('us-east-1', { public: service('LoadBalancer'), internal: service('ClusterIP') }));
    expect(stack.unpriced.map((r) => [r.address, r.reason])).toEqual([
      [
        'kubernetes_service_v1.public',
        'a Service of type LoadBalancer makes a load balancer the cluster chooses (Classic or Network, by its annotations); the catalog does not price it',
      ],
    ]);
    expect(resource(stack, 'kubernetes_service_v1.internal').status).toBe('free');
  });
});

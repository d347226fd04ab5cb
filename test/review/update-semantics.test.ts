/**
 * The review's verdict for each changed argument, as AWS (or Kubernetes) would give it: small
 * two-stack syntheses with one change each, reviewed as the CLI reviews two syntheses.
 */
import { diffSyntheses } from '../../review/diff';
import { buildReport } from '../../review/report';
import { ApplyRiskEntry, AttributeChange, Report } from '../../review/types';
import { majorVersion, UPDATE_SEMANTICS } from '../../review/update-semantics';
import { Synthesis } from '../../synthesis/stack-views';
import { typedArguments } from '../../synthesis/kubernetes-typed';

type Body = Record<string, unknown>;

/** One stack with one resource, before and after. */
function review(type: string, before: Body, after: Body): Report {
  const synthesis = (label: string, body: Body): Synthesis => ({
    label,
    stacks: [{ name: 'fx', json: { resource: { [type]: { it: body } } } }],
  });
  const base = synthesis('base', before);
  const head = synthesis('head', after);
  return buildReport({ mode: 'syntheses', base: 'base', head: 'head', stacks: diffSyntheses(base, head), headSynthesis: null });
}

function only(report: Report): AttributeChange {
  const changes = report.stacks.flatMap((s) => s.changes);
  expect(changes).toHaveLength(1);
  expect(changes[0].attributes).toHaveLength(1);
  return changes[0].attributes[0];
}

const verdictOf = (a: AttributeChange) => [a.path, a.verdict, a.verdictReason];
const risks = (report: Report) => report.applyRisks.map((r: ApplyRiskEntry) => [r.kind, r.path, r.message]);

const postgres: Body = {
  engine: 'postgres',
  engine_version: '16.6',
  instance_class: 'db.t4g.large',
  allocated_storage: 100,
  multi_az: false,
  storage_encrypted: true,
  lifecycle: { prevent_destroy: true },
};

describe('RDS', () => {
  it('refuses to shrink storage (100 → 50 GiB), and grows it online', () => {
    const shrink = review('aws_db_instance', postgres, { ...postgres, allocated_storage: 50 });
    expect(verdictOf(only(shrink))).toEqual([
      'allocated_storage',
      'refused',
      'storage can only grow (100 → 50 GiB): RDS refuses to shrink it; migrate to a new, smaller instance (dump and restore)',
    ]);
    expect(shrink.summary).toMatchObject({ update: 1, replace: 0, refused: 1, dataLoss: 0 });
    expect(verdictOf(only(review('aws_db_instance', postgres, { ...postgres, allocated_storage: 200 })))).toEqual([
      'allocated_storage',
      'in-place',
      'storage grows online (100 → 200 GiB)',
    ]);
  });

  it('refuses Postgres 16.6 → 17.2 without allow_major_version_upgrade, and takes the database down with it', () => {
    const refused = review('aws_db_instance', postgres, { ...postgres, engine_version: '17.2' });
    expect(verdictOf(only(refused))).toEqual([
      'engine_version',
      'refused',
      'a major version upgrade (16 → 17) without allow_major_version_upgrade = true: RDS refuses it at apply',
    ]);
    expect(risks(refused)).toEqual([
      ['refused', 'engine_version', 'a major version upgrade (16 → 17) without allow_major_version_upgrade = true: RDS refuses it at apply'],
    ]);
    const allowed = review(
      'aws_db_instance',
      { ...postgres, allow_major_version_upgrade: true },
      { ...postgres, allow_major_version_upgrade: true, engine_version: '17.2' },
    );
    expect(verdictOf(only(allowed))).toEqual([
      'engine_version',
      'in-place-downtime',
      'a major version upgrade (16 → 17): the database is down while RDS upgrades it (minutes to hours)',
    ]);
    expect(verdictOf(only(review('aws_db_instance', postgres, { ...postgres, engine_version: '16.8' })))).toEqual([
      'engine_version',
      'in-place-downtime',
      'a minor version upgrade: the database restarts (a few minutes of downtime)',
    ]);
    expect(verdictOf(only(review('aws_db_instance', postgres, { ...postgres, engine_version: '16.4' })))).toEqual([
      'engine_version',
      'refused',
      'RDS cannot downgrade an engine (16.6 → 16.4); restore a snapshot into a new instance instead',
    ]);
  });

  it('downsizing a single-AZ instance is in place with downtime; a Multi-AZ one fails over', () => {
    const single = review('aws_db_instance', postgres, { ...postgres, instance_class: 'db.t4g.medium' });
    expect(verdictOf(only(single))).toEqual([
      'instance_class',
      'in-place-downtime',
      'a single-AZ instance is unavailable while RDS changes its class (typically several minutes)',
    ]);
    expect(single.summary).toMatchObject({ update: 1, downtime: 1, refused: 0 });
    const multi = { ...postgres, multi_az: true };
    expect(verdictOf(only(review('aws_db_instance', multi, { ...multi, instance_class: 'db.t4g.medium' })))).toEqual([
      'instance_class',
      'in-place',
      'Multi-AZ: RDS resizes the standby, then fails over to it (about a minute of reconnects)',
    ]);
  });

  it('an engine change replaces the database, which prevent_destroy refuses', () => {
    const report = review('aws_db_instance', postgres, { ...postgres, engine: 'mysql', engine_version: '8.0.40' });
    const change = report.stacks[0].changes[0];
    expect(change.action).toBe('replace');
    expect(change.attributes.map(verdictOf)).toEqual([
      ['engine', 'replace', 'Terraform destroys and re-creates the resource for this argument'],
      ['engine_version', 'replace', 'the resource is replaced for another argument: the new one is created with this value'],
    ]);
    expect(risks(report)).toEqual([
      ['refused', undefined, 'lifecycle.prevent_destroy is set: Terraform refuses to plan the destroy until the code removes it'],
    ]);
    expect(report.dataLoss.map((d) => d.kind)).toEqual(['replace']);
  });

  it('refuses to delete a database with deletion protection', () => {
    const protectedDb = { ...postgres, lifecycle: undefined, deletion_protection: true };
    const report = buildReport({
      mode: 'syntheses',
      base: 'base',
      head: 'head',
      stacks: diffSyntheses(
        { label: 'base', stacks: [{ name: 'fx', json: { resource: { aws_db_instance: { it: protectedDb } } } }] },
        { label: 'head', stacks: [{ name: 'fx', json: { resource: {} } }] },
      ),
      headSynthesis: null,
    });
    expect(risks(report)).toEqual([['refused', undefined, 'deletion_protection is on: RDS refuses to delete it until it is turned off in an earlier apply']]);
  });

  it('reads major versions as RDS numbers them', () => {
    expect([
      majorVersion('postgres', '16.6'),
      majorVersion('postgres', '9.6.24'),
      majorVersion('mysql', '8.0.40'),
      majorVersion('aurora-mysql', '8.0.mysql_aurora.3.05.2'),
    ]).toEqual(['16', '9.6', '8.0', '8.0']);
  });
});

describe('ElastiCache, EC2 and EBS', () => {
  it('a new node type is in place with a short interruption', () => {
    const redis = { engine: 'redis', engine_version: '7.1', node_type: 'cache.t4g.medium', num_cache_clusters: 2 };
    expect(verdictOf(only(review('aws_elasticache_replication_group', redis, { ...redis, node_type: 'cache.t4g.small' })))).toEqual([
      'node_type',
      'in-place-downtime',
      'ElastiCache builds nodes of the new type, copies the data and switches the endpoint: connections drop and writes pause during the switch',
    ]);
  });

  it('a new instance type stops and starts the host; an EBS volume cannot shrink', () => {
    expect(verdictOf(only(review('aws_instance', { instance_type: 't3.large' }, { instance_type: 't3.xlarge' })))).toEqual([
      'instance_type',
      'in-place-downtime',
      'the instance is stopped, changed and started again (its public IPv4 changes unless an Elastic IP holds it)',
    ]);
    expect(verdictOf(only(review('aws_ebs_volume', { size: 200, type: 'gp3' }, { size: 100, type: 'gp3' })))).toEqual([
      'size',
      'refused',
      'storage can only grow (200 → 100 GiB): EBS refuses to shrink a volume',
    ]);
  });
});

describe('Kubernetes objects applied as manifests', () => {
  const statefulSet = (storage: string) => ({
    manifest: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'cockroachdb', namespace: 'data' },
      spec: {
        serviceName: 'cockroachdb',
        replicas: 3,
        volumeClaimTemplates: [{ metadata: { name: 'datadir' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } }],
      },
    },
  });

  it("refuses a change to a StatefulSet's volumeClaimTemplates (immutable), and allows replicas", () => {
    const report = review('kubernetes_manifest', statefulSet('100Gi'), statefulSet('200Gi'));
    expect(verdictOf(only(report))).toEqual([
      'manifest.spec.volumeClaimTemplates.spec.resources.requests.storage',
      'refused',
      'spec.volumeClaimTemplates.spec.resources.requests.storage of a StatefulSet is immutable: the API server refuses the update (delete the StatefulSet with --cascade=orphan and re-create it)',
    ]);
    const scaled = statefulSet('100Gi');
    (scaled.manifest.spec as Body).replicas = 5;
    expect(verdictOf(only(review('kubernetes_manifest', statefulSet('100Gi'), scaled)))).toEqual(['manifest.spec.replicas', 'in-place', 'updated in place']);
  });

  it('refuses to shrink a volume claim', () => {
    const claim = (storage: string) => ({ manifest: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { resources: { requests: { storage } } } } });
    expect(verdictOf(only(review('kubernetes_manifest', claim('20Gi'), claim('10Gi'))))).toEqual([
      'manifest.spec.resources.requests.storage',
      'refused',
      'a volume claim cannot shrink (20Gi → 10Gi)',
    ]);
  });
});

describe('Kubernetes objects applied as typed resources (what the apps stacks emit)', () => {
  const statefulSet = (storage: string, replicas = 3): Body =>
    typedArguments({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'cockroachdb', namespace: 'cockroachdb' },
      spec: {
        serviceName: 'cockroachdb',
        replicas,
        selector: { matchLabels: { app: 'cockroachdb' } },
        template: { metadata: { labels: { app: 'cockroachdb' } }, spec: { containers: [{ name: 'cockroachdb', image: 'cockroachdb/cockroach:v25.2.0' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'datadir' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } }],
      },
    }).arguments;

  it('replaces a StatefulSet whose volume claim template changes (ForceNew), saying what that does, and scales it in place', () => {
    expect(verdictOf(only(review('kubernetes_stateful_set_v1', statefulSet('100Gi'), statefulSet('200Gi'))))).toEqual([
      'spec.volume_claim_template.spec.resources.requests.storage',
      'replace',
      'the provider replaces the StatefulSet (volume_claim_template is ForceNew): every pod of the set stops at once, and the retained volume claims keep their old size and class (the new template applies only to claims created later); the apps stacks mark StatefulSets prevent_destroy, so the plan fails instead',
    ]);
    expect(verdictOf(only(review('kubernetes_stateful_set_v1', statefulSet('100Gi'), statefulSet('100Gi', 5))))).toEqual([
      'spec.replicas',
      'in-place',
      'updated in place',
    ]);
  });

  it('replaces a Job whose template changes: the API refuses to update it, the provider re-creates it', () => {
    const job = (image: string): Body =>
      typedArguments({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'cockroachdb-ca-bootstrap', namespace: 'cockroachdb' },
        spec: { template: { metadata: {}, spec: { restartPolicy: 'Never', containers: [{ name: 'ca', image }] } } },
      }).arguments;
    expect(verdictOf(only(review('kubernetes_job_v1', job('a:1'), job('a:2'))))).toEqual([
      'spec.template.spec.container.image',
      'replace',
      "a Job's spec is immutable: the provider deletes the Job and creates it again (ForceNew), so it runs again under the same name",
    ]);
  });
});

describe('the table', () => {
  it('names a source for every entry', () => {
    for (const rule of UPDATE_SEMANTICS) expect(rule.source).toMatch(/".+"/);
  });
});

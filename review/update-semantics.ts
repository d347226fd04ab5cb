/**
 * What AWS (or Kubernetes, or Cloudflare) does with a changed argument, beyond Terraform's own
 * update-or-replace: some in-place updates take the resource down, and some changes Terraform
 * plans happily are refused by the service at apply. The review shows one verdict per changed
 * argument, from this table; replacements (ForceNew) stay in force-new.ts and are not repeated.
 *
 * Verdicts:
 * - `in-place`: updated without interrupting the resource;
 * - `in-place-downtime`: updated in place, but the resource is unavailable or restarted meanwhile;
 * - `replace`: destroyed and created again (force-new.ts, or a plan's replace_paths);
 * - `refused`: the plan succeeds and the apply fails: the service refuses the change.
 *
 * Every entry names its source: the service's API reference or user guide page, or the
 * provider's documentation page, by title. Entries are for the resource types Stagecraft emits.
 */
import { ChangeAction, UpdateVerdict } from './types';

/** A verdict and why. */
export interface Judgement {
  readonly verdict: UpdateVerdict;
  readonly reason: string;
  /** The page(s) the verdict comes from. */
  readonly source: string;
}

/** What a rule sees: the changed argument and the whole resource before and after (flattened, unmasked). */
export interface ChangeContext {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly resourceBefore: ReadonlyMap<string, unknown>;
  readonly resourceAfter: ReadonlyMap<string, unknown>;
}

interface Rule {
  readonly type: string | RegExp;
  /** The changed argument, without list indices (`spec.volumeClaimTemplates.spec.resources.requests.storage` matches any index). */
  readonly path: string | RegExp;
  readonly judge: (c: ChangeContext) => Omit<Judgement, 'source'> | undefined;
  readonly source: string;
}

const SOURCES = {
  rdsSettings: 'Amazon RDS User Guide, "Settings for DB instances" (column "Downtime notes")',
  rdsModify: 'Amazon RDS API Reference, "ModifyDBInstance"',
  rdsStorage: 'Amazon RDS User Guide, "Increasing DB instance storage capacity" (storage can only grow)',
  rdsPgUpgrade:
    'Amazon RDS User Guide, "Upgrading the PostgreSQL DB engine for Amazon RDS"; Terraform AWS provider, "aws_db_instance" (allow_major_version_upgrade)',
  rdsDeletionProtection:
    'Amazon RDS User Guide, "Deleting a DB instance" (deletion protection); Terraform AWS provider, "aws_db_instance" (deletion_protection: "the database can\'t be deleted")',
  elasticacheScaling: 'Amazon ElastiCache User Guide, "Scaling node type for replication groups" and "Version management"',
  ec2InstanceType: 'Amazon EC2 User Guide, "Change the instance type" (an EBS-backed instance is stopped first)',
  ec2UserData:
    'Amazon EC2 User Guide, "Run commands when you launch an EC2 instance with user data input" (cloud-init runs user data on the first boot only); Terraform AWS provider, "aws_instance" (user_data_replace_on_change)',
  launchTemplate: 'Amazon EC2 User Guide, "Modify a launch template (manage launch template versions)"; lifecycle ignore_changes on the instance',
  ebsModify: 'Amazon EBS User Guide, "Modify a volume using Amazon EBS Elastic Volumes" (the size can only increase)',
  elbDeletionProtection:
    'Elastic Load Balancing User Guide, "Deletion protection"; Terraform AWS provider, "aws_lb" (enable_deletion_protection prevents Terraform from deleting it)',
  k8sStatefulSet:
    'Kubernetes API reference, "StatefulSet v1 apps" (updates to fields other than replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds are forbidden); Terraform Kubernetes provider, "kubernetes_manifest" (server-side apply, no replacement)',
  k8sDeployment: 'Kubernetes documentation, "Deployments" (label selector updates: spec.selector is immutable in apps/v1)',
  k8sPvc: 'Kubernetes documentation, "Persistent Volumes: Expanding Persistent Volumes Claims" (a claim can grow, never shrink)',
  k8sService: 'Kubernetes documentation, "Service" (spec.clusterIP cannot be changed once set)',
  k8sJob: 'Kubernetes documentation, "Jobs" (the pod template of a Job is immutable)',
  k8sTypedStatefulSet:
    'Terraform Kubernetes provider source, kubernetes/schema_stateful_set_spec.go (volume_claim_template, selector, service_name, pod_management_policy and revision_history_limit are ForceNew; template, replicas and update_strategy are updated in place); Kubernetes API reference, "StatefulSet v1 apps"',
  k8sTypedJob:
    'Terraform Kubernetes provider source, kubernetes/schema_job_spec.go (every field of a Job spec, the pod template included, is ForceNew); Kubernetes documentation, "Jobs" (the pod template of a Job is immutable)',
  k8sTypedDeployment:
    'Terraform Kubernetes provider, "kubernetes_deployment_v1" (spec.selector is ForceNew); Kubernetes documentation, "Deployments" (spec.selector is immutable in apps/v1)',
} as const;

const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined;
const truthy = (v: unknown): boolean => v === true || v === 'true';

/** Numeric parts of a version: `16.6` → [16, 6]; `8.0.mysql_aurora.3.05.2` → [8, 0]. */
function versionParts(version: unknown): number[] | undefined {
  if (typeof version !== 'string' && typeof version !== 'number') return undefined;
  const parts: number[] = [];
  for (const part of String(version).split('.')) {
    if (!/^\d+$/.test(part)) break;
    parts.push(Number(part));
  }
  return parts.length > 0 ? parts : undefined;
}

/** The major version of an engine version: one number for PostgreSQL 10 and later, two for MySQL, MariaDB and older PostgreSQL. */
export function majorVersion(engine: unknown, version: unknown): string | undefined {
  const parts = versionParts(version);
  if (!parts) return undefined;
  const oneNumber = typeof engine === 'string' && /postgres/.test(engine) && parts[0] >= 10;
  return (oneNumber ? parts.slice(0, 1) : parts.slice(0, 2)).join('.');
}

/** Compares versions part by part: negative when `a` is older. */
function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** RDS and Aurora engine versions: downgrades and major upgrades without the flag are refused; upgrades restart the database. */
function rdsEngineVersion(c: ChangeContext): Omit<Judgement, 'source'> | undefined {
  const engine = c.resourceAfter.get('engine') ?? c.resourceBefore.get('engine');
  if (c.resourceBefore.get('engine') !== c.resourceAfter.get('engine')) return undefined; // another engine: a replacement (force-new.ts)
  const before = versionParts(c.before);
  const after = versionParts(c.after);
  if (!before || !after) return undefined;
  if (compareVersions(after, before) < 0)
    return {
      verdict: 'refused',
      reason: `RDS cannot downgrade an engine (${String(c.before)} → ${String(c.after)}); restore a snapshot into a new instance instead`,
    };
  const majorBefore = majorVersion(engine, c.before);
  const majorAfter = majorVersion(engine, c.after);
  if (majorBefore !== majorAfter) {
    if (!truthy(c.resourceAfter.get('allow_major_version_upgrade')))
      return {
        verdict: 'refused',
        reason: `a major version upgrade (${majorBefore} → ${majorAfter}) without allow_major_version_upgrade = true: RDS refuses it at apply`,
      };
    return {
      verdict: 'in-place-downtime',
      reason: `a major version upgrade (${majorBefore} → ${majorAfter}): the database is down while RDS upgrades it (minutes to hours)`,
    };
  }
  return { verdict: 'in-place-downtime', reason: 'a minor version upgrade: the database restarts (a few minutes of downtime)' };
}

function storageShrink(unit: string, whatToDo: string) {
  return (c: ChangeContext): Omit<Judgement, 'source'> | undefined => {
    const before = num(c.before);
    const after = num(c.after);
    if (before === undefined || after === undefined) return undefined;
    if (after < before) return { verdict: 'refused', reason: `storage can only grow (${before} → ${after} ${unit}): ${whatToDo}` };
    return { verdict: 'in-place', reason: `storage grows online (${before} → ${after} ${unit})` };
  };
}

const isManifestOf = (kind: string) => (c: ChangeContext) => (c.resourceAfter.get('manifest.kind') ?? c.resourceBefore.get('manifest.kind')) === kind;

/** The table. The first rule whose type and path match and whose judge returns a verdict decides. */
export const UPDATE_SEMANTICS: readonly Rule[] = [
  // RDS instances
  {
    type: 'aws_db_instance',
    path: 'allocated_storage',
    judge: storageShrink('GiB', 'RDS refuses to shrink it; migrate to a new, smaller instance (dump and restore)'),
    source: SOURCES.rdsStorage,
  },
  { type: /^aws_(db_instance|rds_cluster)$/, path: 'engine_version', judge: rdsEngineVersion, source: `${SOURCES.rdsPgUpgrade}; ${SOURCES.rdsModify}` },
  {
    type: 'aws_db_instance',
    path: 'instance_class',
    judge: (c) =>
      truthy(c.resourceAfter.get('multi_az')) && truthy(c.resourceBefore.get('multi_az'))
        ? { verdict: 'in-place', reason: 'Multi-AZ: RDS resizes the standby, then fails over to it (about a minute of reconnects)' }
        : { verdict: 'in-place-downtime', reason: 'a single-AZ instance is unavailable while RDS changes its class (typically several minutes)' },
    source: SOURCES.rdsSettings,
  },
  {
    type: 'aws_db_instance',
    path: 'backup_retention_period',
    judge: (c) =>
      (num(c.before) ?? 0) === 0 || (num(c.after) ?? 0) === 0
        ? { verdict: 'in-place-downtime', reason: 'turning automated backups on or off (0 ↔ non-zero days) restarts the instance' }
        : { verdict: 'in-place', reason: 'a different number of days of automated backups' },
    source: SOURCES.rdsSettings,
  },
  {
    type: 'aws_db_instance',
    path: 'port',
    judge: () => ({ verdict: 'in-place-downtime', reason: 'a new port reboots the instance, and clients must use the new port' }),
    source: SOURCES.rdsSettings,
  },
  {
    type: 'aws_db_instance',
    path: 'multi_az',
    judge: (c) =>
      truthy(c.after)
        ? { verdict: 'in-place', reason: 'RDS creates a standby from a snapshot, without downtime (I/O may slow meanwhile)' }
        : { verdict: 'in-place', reason: 'RDS removes the standby; the instance no longer survives the loss of its zone' },
    source: SOURCES.rdsSettings,
  },
  {
    type: 'aws_db_instance',
    path: /^(storage_type|iops|storage_throughput)$/,
    judge: () => ({ verdict: 'in-place', reason: 'storage changes apply online (storage optimization can take hours; no further storage change for 6 hours)' }),
    source: SOURCES.rdsSettings,
  },
  // ElastiCache
  {
    type: 'aws_elasticache_replication_group',
    path: 'node_type',
    judge: () => ({
      verdict: 'in-place-downtime',
      reason: 'ElastiCache builds nodes of the new type, copies the data and switches the endpoint: connections drop and writes pause during the switch',
    }),
    source: SOURCES.elasticacheScaling,
  },
  {
    type: 'aws_elasticache_replication_group',
    path: 'engine_version',
    judge: (c) => {
      const before = versionParts(c.before);
      const after = versionParts(c.after);
      if (!before || !after || compareVersions(after, before) < 0) return undefined; // a downgrade replaces the group (force-new.ts)
      return { verdict: 'in-place-downtime', reason: 'an engine upgrade restarts the nodes one by one with a failover (connections drop briefly)' };
    },
    source: SOURCES.elasticacheScaling,
  },
  // EC2
  {
    type: 'aws_instance',
    path: 'instance_type',
    judge: () => ({
      verdict: 'in-place-downtime',
      reason: 'the instance is stopped, changed and started again (its public IPv4 changes unless an Elastic IP holds it)',
    }),
    source: SOURCES.ec2InstanceType,
  },
  {
    type: 'aws_instance',
    path: /^user_data(_base64)?$/,
    judge: (c) =>
      truthy(c.resourceAfter.get('user_data_replace_on_change'))
        ? undefined
        : {
            verdict: 'in-place-downtime',
            reason:
              'the instance is stopped and started with the new user data, and cloud-init runs user data on the first boot only: the change takes effect on a new instance',
          },
    source: SOURCES.ec2UserData,
  },
  {
    type: 'aws_instance',
    path: 'root_block_device.volume_size',
    judge: storageShrink('GiB', 'EBS refuses to shrink a volume'),
    source: SOURCES.ebsModify,
  },
  { type: 'aws_ebs_volume', path: 'size', judge: storageShrink('GiB', 'EBS refuses to shrink a volume'), source: SOURCES.ebsModify },
  {
    type: 'aws_launch_template',
    path: /^(user_data|image_id|instance_type)$/,
    judge: () => ({
      verdict: 'in-place',
      reason:
        'a new launch template version; running instances keep what they booted with (Stagecraft hosts ignore template changes): it applies to the next instance launched from it',
    }),
    source: SOURCES.launchTemplate,
  },
  // Kubernetes objects applied as the provider's typed resources (what the apps stacks emit): the
  // provider replaces the object for an immutable field (ForceNew) rather than letting the API refuse it.
  {
    type: /^kubernetes_stateful_set(_v1)?$/,
    path: /^spec\.volume_claim_template(\.|$)/,
    judge: () => ({
      verdict: 'replace',
      reason:
        'the provider replaces the StatefulSet (volume_claim_template is ForceNew): every pod of the set stops at once, and the retained volume claims keep their old size and class (the new template applies only to claims created later); the apps stacks mark StatefulSets prevent_destroy, so the plan fails instead',
    }),
    source: SOURCES.k8sTypedStatefulSet,
  },
  {
    type: /^kubernetes_stateful_set(_v1)?$/,
    path: /^spec\.(selector|service_name|pod_management_policy|revision_history_limit)(\.|$)/,
    judge: (c) => ({
      verdict: 'replace',
      reason: `the provider replaces the StatefulSet (${c.path} is ForceNew): every pod of the set stops at once; the apps stacks mark StatefulSets prevent_destroy, so the plan fails instead`,
    }),
    source: SOURCES.k8sTypedStatefulSet,
  },
  {
    type: /^kubernetes_stateful_set(_v1)?$/,
    path: /^spec\.(template|replicas|update_strategy|min_ready_seconds|persistent_volume_claim_retention_policy)(\.|$)/,
    judge: (c) =>
      c.path.startsWith('spec.template')
        ? { verdict: 'in-place', reason: 'a rolling update of the pods, one at a time, as the update strategy says' }
        : { verdict: 'in-place', reason: 'updated in place' },
    source: SOURCES.k8sTypedStatefulSet,
  },
  {
    type: /^kubernetes_job(_v1)?$/,
    path: /^spec(\.|$)/,
    judge: () => ({
      verdict: 'replace',
      reason: "a Job's spec is immutable: the provider deletes the Job and creates it again (ForceNew), so it runs again under the same name",
    }),
    source: SOURCES.k8sTypedJob,
  },
  {
    type: /^kubernetes_deployment(_v1)?$/,
    path: /^spec\.selector(\.|$)/,
    judge: () => ({ verdict: 'replace', reason: 'the provider replaces the Deployment (spec.selector is ForceNew): its pods are deleted and created again' }),
    source: SOURCES.k8sTypedDeployment,
  },
  // Kubernetes objects applied as manifests (syntheses made before the typed resources): the API server refuses changes to immutable fields, and kubernetes_manifest does not replace.
  {
    type: 'kubernetes_manifest',
    path: /^manifest\.spec\.(volumeClaimTemplates|selector|serviceName|podManagementPolicy)(\.|$)/,
    judge: (c) =>
      isManifestOf('StatefulSet')(c)
        ? {
            verdict: 'refused',
            reason: `${c.path.replace(/^manifest\./, '')} of a StatefulSet is immutable: the API server refuses the update (delete the StatefulSet with --cascade=orphan and re-create it)`,
          }
        : undefined,
    source: SOURCES.k8sStatefulSet,
  },
  {
    type: 'kubernetes_manifest',
    path: /^manifest\.spec\.selector(\.|$)/,
    judge: (c) =>
      isManifestOf('Deployment')(c)
        ? { verdict: 'refused', reason: 'spec.selector of a Deployment is immutable: the API server refuses the update' }
        : undefined,
    source: SOURCES.k8sDeployment,
  },
  {
    type: 'kubernetes_manifest',
    path: 'manifest.spec.resources.requests.storage',
    judge: (c) => {
      if (!isManifestOf('PersistentVolumeClaim')(c)) return undefined;
      const before = kubernetesQuantity(c.before);
      const after = kubernetesQuantity(c.after);
      if (before === undefined || after === undefined) return undefined;
      return after < before
        ? { verdict: 'refused', reason: `a volume claim cannot shrink (${String(c.before)} → ${String(c.after)})` }
        : { verdict: 'in-place', reason: 'the volume claim grows (when its storage class allows expansion)' };
    },
    source: SOURCES.k8sPvc,
  },
  {
    type: 'kubernetes_manifest',
    path: /^manifest\.spec\.clusterIPs?$/,
    judge: (c) => (isManifestOf('Service')(c) ? { verdict: 'refused', reason: 'spec.clusterIP of a Service cannot change once set' } : undefined),
    source: SOURCES.k8sService,
  },
  {
    type: 'kubernetes_manifest',
    path: /^manifest\.spec\.template(\.|$)/,
    judge: (c) => (isManifestOf('Job')(c) ? { verdict: 'refused', reason: 'the pod template of a Job is immutable' } : undefined),
    source: SOURCES.k8sJob,
  },
];

/** `10Gi` → bytes; undefined when not a quantity. */
export function kubernetesQuantity(value: unknown): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(String(value ?? ''));
  if (!match) return undefined;
  const factor: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  return Number(match[1]) * (match[2] ? factor[match[2]] : 1);
}

const matches = (pattern: string | RegExp, text: string) => (typeof pattern === 'string' ? pattern === text : pattern.test(text));

/**
 * The verdict for one changed argument: replacement when Terraform replaces the resource for it
 * (unless the service refuses even that), else the table's verdict, else an in-place update.
 */
export function attributeVerdict(type: string, context: ChangeContext, forcesReplacement: boolean): Judgement {
  const bare = context.path.replace(/\[\d+\]/g, '');
  for (const rule of UPDATE_SEMANTICS) {
    if (!matches(rule.type, type) || !matches(rule.path, bare)) continue;
    const judged = rule.judge({ ...context, path: bare });
    if (!judged) continue;
    // A table 'replace' explains the replacement; any other verdict yields to it.
    if (forcesReplacement && judged.verdict !== 'refused' && judged.verdict !== 'replace') break;
    return { ...judged, source: rule.source };
  }
  if (forcesReplacement)
    return {
      verdict: 'replace',
      reason: 'Terraform destroys and re-creates the resource for this argument',
      source: 'review/force-new.ts (provider schemas, ForceNew)',
    };
  return { verdict: 'in-place', reason: 'updated in place', source: 'provider schema (not ForceNew)' };
}

/**
 * Deletions (and the destroy half of replacements) the service refuses, from the resource's
 * own protection flags; Terraform's prevent_destroy refuses earlier, at plan.
 */
export function destroyRefusal(type: string, action: ChangeAction, before: ReadonlyMap<string, unknown> | undefined): Judgement | undefined {
  if ((action !== 'delete' && action !== 'replace') || !before) return undefined;
  if (truthy(before.get('lifecycle.prevent_destroy')))
    return {
      verdict: 'refused',
      reason: 'lifecycle.prevent_destroy is set: Terraform refuses to plan the destroy until the code removes it',
      source: 'Terraform documentation, "The lifecycle meta-argument" (prevent_destroy)',
    };
  // Not aws_instance's disable_api_termination: the provider turns termination protection off before it terminates.
  if (/^aws_(db_instance|rds_cluster)$/.test(type) && truthy(before.get('deletion_protection')))
    return {
      verdict: 'refused',
      reason: 'deletion_protection is on: RDS refuses to delete it until it is turned off in an earlier apply',
      source: SOURCES.rdsDeletionProtection,
    };
  if (type === 'aws_lb' && truthy(before.get('enable_deletion_protection')))
    return { verdict: 'refused', reason: 'enable_deletion_protection is on: ELB refuses to delete it', source: SOURCES.elbDeletionProtection };
  return undefined;
}

/**
 * The EBS volumes a stack's Kubernetes objects claim: a StatefulSet's `volumeClaimTemplates` (one
 * volume per replica per template) and standalone PersistentVolumeClaims, each resolved through
 * the StorageClass it names in the same stack (the EBS CSI driver's `type`, `iops`, `iopsPerGB`,
 * `throughput` parameters). Read from the synthesized typed resources through the one converter
 * (kubernetes-typed.ts), so the volumes priced are the ones the apps stack applies (issue 18: the
 * CockroachDB StatefulSets' gp3 claims were counted at $0). The region is the one the Kubernetes
 * provider authenticates to (`aws eks get-token --region`): apps stacks have no AWS provider.
 */
import { apiObjectOf } from './kubernetes-typed';
import { StackJson } from './stack-views';
import { asNumber, isExpression, record } from './values';

/** One claim template (or claim), resolved through its storage class. */
export interface ClaimedVolume {
  /** The claim template's name (`datadir`), or the claim's. */
  readonly claim: string;
  /** Volumes of this claim: the StatefulSet's replicas (1 for a standalone claim). */
  readonly volumes: number;
  /** Requested size of each volume, GiB. */
  readonly sizeGiB: number;
  readonly storageClass: string;
  /** The class's EBS volume type (`gp3`); undefined when the class is not in the stack or is not EBS. */
  readonly volumeType?: string;
  /** Provisioned IOPS of each volume, when the class sets `iops` or `iopsPerGB`. */
  readonly iops?: number;
  /** Provisioned throughput of each volume, MiB/s, when the class sets it. */
  readonly throughputMiBps?: number;
}

/** What an object claims, or why it cannot be read. */
export type ClaimedVolumes = { readonly volumes: readonly ClaimedVolume[] } | { readonly problem: string };

/** The EBS CSI driver's provisioner name; the in-tree `kubernetes.io/aws-ebs` one takes the same parameters. */
const EBS_PROVISIONERS = new Set(['ebs.csi.aws.com', 'kubernetes.io/aws-ebs']);

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 2 ** 10, Pi: 2 ** 20 };
const DECIMAL: Readonly<Record<string, number>> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** A Kubernetes storage quantity (`1000Gi`, `500G`, `1Ti`) in GiB; undefined for anything else. */
export function quantityGiB(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return quantity / 2 ** 30;
  if (typeof quantity !== 'string') return undefined;
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(quantity.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2];
  if (suffix === undefined) return value / 2 ** 30;
  if (suffix in BINARY) return value * BINARY[suffix];
  return (value * DECIMAL[suffix]) / 2 ** 30;
}

/** The region of the EKS cluster a stack's Kubernetes provider authenticates to (`aws eks get-token … --region <code>`). */
export function kubernetesClusterRegion(json: StackJson): string | undefined {
  for (const provider of json.provider?.kubernetes ?? []) {
    const execs = provider.exec;
    for (const exec of Array.isArray(execs) ? execs : [execs]) {
      const args = record(exec)?.args;
      if (!Array.isArray(args)) continue;
      const at = args.indexOf('--region');
      const region = at >= 0 ? args[at + 1] : undefined;
      if (typeof region === 'string' && !isExpression(region)) return region;
    }
  }
  return undefined;
}

const classesOf = new WeakMap<StackJson, ReadonlyMap<string, Record<string, unknown>>>();

/** The StorageClass objects of a stack, by name: read once per stack, however many claims name them. */
function storageClasses(json: StackJson): ReadonlyMap<string, Record<string, unknown>> {
  const known = classesOf.get(json);
  if (known) return known;
  const out = new Map<string, Record<string, unknown>>();
  for (const body of Object.values(json.resource?.kubernetes_storage_class_v1 ?? {})) {
    const object = apiObjectOf('kubernetes_storage_class_v1', body);
    const name = record(object.metadata)?.name;
    if (typeof name === 'string') out.set(name, object);
  }
  classesOf.set(json, out);
  return out;
}

/** One claim spec resolved through the stack's storage classes. */
function resolveClaim(json: StackJson, claim: string, spec: Record<string, unknown> | undefined, volumes: number): ClaimedVolume | string {
  const storage = record(record(spec?.resources)?.requests)?.storage;
  const sizeGiB = quantityGiB(storage);
  if (sizeGiB === undefined) return `claim ${claim}: storage request ${JSON.stringify(storage ?? null)} is not a literal quantity`;
  const storageClass = spec?.storageClassName;
  if (typeof storageClass !== 'string' || isExpression(storageClass))
    return `claim ${claim}: no storage class named; the cluster's default class decides the volume type`;
  const object = storageClasses(json).get(storageClass);
  if (!object) return `claim ${claim}: storage class ${storageClass} is not in the stack`;
  const provisioner = object.provisioner;
  const parameters = record(object.parameters) ?? {};
  if (typeof provisioner !== 'string' || !EBS_PROVISIONERS.has(provisioner)) return { claim, volumes, sizeGiB, storageClass };
  const volumeType = typeof parameters.type === 'string' ? parameters.type : 'gp3';
  const perGB = asNumber(parameters.iopsPerGB);
  const iops = asNumber(parameters.iops) ?? (perGB === undefined ? undefined : perGB * sizeGiB);
  return { claim, volumes, sizeGiB, storageClass, volumeType, iops, throughputMiBps: asNumber(parameters.throughput) };
}

/**
 * The volumes a typed Kubernetes resource claims: a StatefulSet's claim templates × its replicas,
 * or a PersistentVolumeClaim. Other kinds claim none.
 */
export function claimedVolumes(resourceType: string, body: Record<string, unknown>, json: StackJson): ClaimedVolumes {
  if (resourceType === 'kubernetes_persistent_volume_claim_v1') {
    const object = apiObjectOf(resourceType, body);
    const name = String(record(object.metadata)?.name ?? '?');
    const resolved = resolveClaim(json, name, record(object.spec), 1);
    return typeof resolved === 'string' ? { problem: resolved } : { volumes: [resolved] };
  }
  if (resourceType !== 'kubernetes_stateful_set_v1') return { volumes: [] };
  const spec = record(apiObjectOf(resourceType, body).spec) ?? {};
  const templates = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  if (templates.length === 0) return { volumes: [] };
  // The API's default is one replica; an expression is known only at apply.
  const replicas = spec.replicas === undefined ? 1 : asNumber(spec.replicas);
  if (replicas === undefined) return { problem: `replicas ${JSON.stringify(spec.replicas)} is known only at apply time` };
  const volumes: ClaimedVolume[] = [];
  for (const template of templates) {
    const claim = String(record(record(template)?.metadata)?.name ?? '?');
    const resolved = resolveClaim(json, claim, record(record(template)?.spec), replicas);
    if (typeof resolved === 'string') return { problem: resolved };
    volumes.push(resolved);
  }
  return { volumes };
}

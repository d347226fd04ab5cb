/**
 * A resource that names, by a literal, something another stack of its environment creates is
 * deployed after that stack. Terraform orders references, not names: a standby region's Aurora
 * cluster that joins the global cluster by its identifier, a cross-region read replica that names
 * its source instance's ARN, a secret replica encrypted under `alias/<name>` of another region.
 * `cdktf deploy '*'` runs stacks without a dependency between them at once, so the first apply
 * fails when the named resource does not exist yet, and two stacks that name each other's
 * resources can never both go first (the global-db review: the standby's clusters joined the
 * primary's global cluster, and the primary's secrets replicated under the standby's key alias).
 * Read from manifest.json's `dependencies`; a synthesis read without it is not judged.
 */
import { readAll, record } from '../../../synthesis/values';
import { deployedAfter } from '../helpers';
import { ResourceView, StackOutcome, StackRule, StackView } from '../../types';

/** Something made or named: its kind, its region and its name. */
interface Named {
  readonly key: string;
  /** How a message names it. */
  readonly label: string;
}

const literal = (value: unknown): string | undefined => (typeof value === 'string' && !value.includes('${') ? value : undefined);

/** The region a resource is created in: its aliased provider's, else the stack's. */
function regionOf(resource: ResourceView, stack: StackView): string | undefined {
  const provider = literal(resource.values.provider);
  if (!provider?.startsWith('aws.')) return stack.region;
  const blocks = record(stack.json?.provider)?.aws;
  const block = (Array.isArray(blocks) ? blocks : [blocks]).map((b) => record(b) ?? {}).find((b) => b.alias === provider.slice('aws.'.length));
  return literal(block?.region);
}

const globalCluster = (id: string): Named => ({ key: `rds-global-cluster/${id}`, label: `Aurora global cluster "${id}"` });
const dbInstance = (region: string, id: string): Named => ({ key: `rds-instance/${region}/${id}`, label: `RDS instance "${id}" in ${region}` });
const kmsAlias = (region: string, name: string): Named => ({ key: `kms-alias/${region}/${name}`, label: `KMS alias "${name}" in ${region}` });

/** What the stack's resources create under a name others may use. */
export function madeByName(stack: StackView): Set<string> {
  const made = new Set<string>();
  for (const r of stack.resources('aws_rds_global_cluster')) {
    const id = literal(r.values.global_cluster_identifier);
    if (id) made.add(globalCluster(id).key);
  }
  for (const r of stack.resources('aws_db_instance')) {
    const id = literal(r.values.identifier);
    const region = regionOf(r, stack);
    if (id && region) made.add(dbInstance(region, id).key);
  }
  for (const r of stack.resources('aws_kms_alias')) {
    const name = literal(r.values.name);
    const region = regionOf(r, stack);
    if (name && region) made.add(kmsAlias(region, name).key);
  }
  return made;
}

/** What `resource` names by a literal that the stack must find made, in it or before it. */
export function namedByLiteral(resource: ResourceView): Named[] {
  const values = resource.values;
  if (resource.type === 'aws_rds_cluster') {
    const id = literal(values.global_cluster_identifier);
    return id ? [globalCluster(id)] : [];
  }
  if (resource.type === 'aws_db_instance') {
    const source = literal(values.replicate_source_db);
    const arn = source && /^arn:[^:]+:rds:([^:]+):[^:]*:db:(.+)$/.exec(source);
    return arn ? [dbInstance(arn[1], arn[2])] : [];
  }
  if (resource.type === 'aws_secretsmanager_secret') {
    return readAll(values, 'replica')
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .flatMap((replica) => {
        const region = literal(record(replica)?.region);
        const key = literal(record(replica)?.kms_key_id);
        // An AWS managed key (`alias/aws/…`) always exists.
        return region && key?.startsWith('alias/') && !key.startsWith('alias/aws/') ? [kmsAlias(region, key)] : [];
      });
  }
  return [];
}

export const NamedCrossStackResourceOrdered: StackRule = {
  id: 'SC-PRE-22',
  name: 'NamedCrossStackResourceOrdered',
  family: 'preflight',
  scope: 'stack',
  description:
    'A resource that names by a literal a global cluster, a source DB instance or a KMS alias another stack of the environment creates is in a stack deployed after that one (manifest.json dependencies).',
  evaluate(stack) {
    const needing = stack.resources().flatMap((r) => namedByLiteral(r).map((named) => ({ resource: r, named })));
    if (needing.length === 0)
      return [{ status: 'not-applicable', reason: 'no resource names a global cluster, source instance or replica key alias by a literal' }];
    const before = deployedAfter(stack);
    if (before === undefined) return [{ status: 'not-applicable', reason: 'the deploy order is not known (synthesis read without manifest.json)' }];
    const own = madeByName(stack);
    const others = stack.environmentStacks().filter((s) => s.name !== stack.name);
    const makers = new Map(others.map((s) => [s, madeByName(s)]));
    const outcomes: StackOutcome[] = [];
    for (const { resource, named } of needing) {
      if (own.has(named.key)) {
        outcomes.push({ status: 'compliant', address: resource.address });
        continue;
      }
      const by = others.filter((s) => makers.get(s)!.has(named.key));
      if (by.length === 0) {
        outcomes.push({
          status: 'non-compliant',
          address: resource.address,
          message: `${resource.address} names ${named.label}, which no stack of the environment creates: the apply fails unless it already exists`,
        });
      } else if (!by.some((s) => before.includes(s))) {
        outcomes.push({
          status: 'non-compliant',
          address: resource.address,
          message: `${resource.address} names ${named.label}, which ${by.map((s) => s.name).join(', ')} creates, but ${stack.name} is not deployed after it (no cdktf stack dependency): cdktf deploy may create it first and fail`,
        });
      } else outcomes.push({ status: 'compliant', address: resource.address });
    }
    return outcomes;
  },
};

/**
 * An engine version pinned to a minor while AWS upgrades minors automatically: after the first
 * automatic upgrade, the plan asks to go back to the pinned minor and the apply fails (review
 * D1). Pin the major only (RDS instances accept `"16"`; `engine_version_actual` holds the
 * minor), or ignore changes to engine_version where the API needs a minor (Aurora).
 */
import { ResourceRule, ResourceView, StackView } from '../../types';
import { asBoolean, asStrings, read } from '../../../synthesis/values';
import { compliant, nonCompliant, notApplicable, unresolved } from '../../outcomes';

/** True when `version` names a minor of `engine` (PostgreSQL `16.6`; MySQL `8.0.35`). */
function pinsMinor(engine: string, version: string): boolean {
  return /mysql|mariadb/.test(engine) ? /^\d+\.\d+\.\d+/.test(version) : /^\d+\.\d+/.test(version);
}

/** Automatic minor upgrades of an instance (default on), or of every instance of a cluster. */
function autoMinorUpgrades(resource: ResourceView, stack: StackView): boolean {
  if (resource.type === 'aws_db_instance') return asBoolean(resource.values.auto_minor_version_upgrade) !== false;
  const instances = stack.referencing('aws_rds_cluster_instance', 'cluster_identifier', resource);
  return instances.length === 0 || instances.some((i) => asBoolean(i.values.auto_minor_version_upgrade) !== false);
}

export const EngineMinorPinnedWithAutoUpgrade: ResourceRule = {
  id: 'SC-PRE-11',
  name: 'EngineMinorPinnedWithAutoUpgrade',
  family: 'preflight',
  scope: 'resource',
  resourceTypes: ['aws_db_instance', 'aws_rds_cluster'],
  description: 'With automatic minor upgrades on, engine_version pins the major only, or lifecycle.ignore_changes covers engine_version.',
  evaluate(resource, stack) {
    const version = read(resource.values, 'engine_version');
    if (version.kind === 'absent') return notApplicable("no engine version pinned (a replica takes its source's)");
    if (version.kind === 'expression') return unresolved('engine_version', version.expression);
    if (!autoMinorUpgrades(resource, stack)) return notApplicable('automatic minor upgrades are off');
    const engine = String(resource.values.engine ?? '');
    if (!pinsMinor(engine, String(version.value))) return compliant();
    const ignoreChanges = read(resource.values, 'lifecycle.ignore_changes');
    const ignored = ignoreChanges.kind === 'value' ? asStrings(ignoreChanges.value) : [];
    if (ignored.includes('engine_version') || ignored.includes('all')) return compliant();
    return nonCompliant(
      `engine_version is ${JSON.stringify(version.value)} with automatic minor upgrades on: after AWS upgrades the minor, the next apply asks to downgrade and fails; pin the major only or ignore changes to engine_version`,
    );
  },
};

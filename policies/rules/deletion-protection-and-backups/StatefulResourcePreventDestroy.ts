/**
 * Every stateful resource is `prevent_destroy`, so `destroy` or a replacing change fails until
 * the code changes on purpose. (Terraform's own guard; no Checkov equivalent.)
 */
import { isStateful, STATEFUL_TYPES } from '../../../synthesis/resource-kinds';
import { ResourceRule } from '../../types';
import { expectBoolean, notApplicable } from '../../outcomes';

export const StatefulResourcePreventDestroy: ResourceRule = {
  id: 'SC-DP-5',
  name: 'StatefulResourcePreventDestroy',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: Object.keys(STATEFUL_TYPES),
  description: 'Databases, caches, brokers, search domains, Kafka clusters, buckets, volumes, KMS keys and backup vaults set lifecycle.prevent_destroy = true.',
  evaluate(resource) {
    if (!isStateful(resource.type)) return notApplicable();
    return expectBoolean(
      resource.values,
      'lifecycle.prevent_destroy',
      true,
      `set lifecycle.prevent_destroy = true; destroying it loses ${STATEFUL_TYPES[resource.type]}`,
      false,
    );
  },
};

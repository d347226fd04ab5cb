/** Data volumes are snapshotted when they are destroyed. */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const EbsVolumeFinalSnapshot: ResourceRule = {
  id: 'SC-DP-8',
  name: 'EbsVolumeFinalSnapshot',
  family: 'deletion-protection-and-backups',
  scope: 'resource',
  resourceTypes: ['aws_ebs_volume'],
  description: 'EBS volumes set final_snapshot = true.',
  evaluate(volume) {
    return expectBoolean(volume.values, 'final_snapshot', true, 'set final_snapshot = true', false);
  },
};

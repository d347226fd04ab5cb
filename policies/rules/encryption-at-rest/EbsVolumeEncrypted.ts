/** EBS volumes are encrypted (Checkov CKV_AWS_3, cdk-nag EC2 EBS encryption). */
import { ResourceRule } from '../../types';
import { expectBoolean } from '../../outcomes';

export const EbsVolumeEncrypted: ResourceRule = {
  id: 'SC-EAR-6',
  name: 'EbsVolumeEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_ebs_volume'],
  description: 'EBS volumes set encrypted = true.',
  evaluate(resource) {
    return expectBoolean(resource.values, 'encrypted', true, 'set encrypted = true with the region key (changing it replaces the volume)', false);
  },
};

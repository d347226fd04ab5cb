/** EKS encrypts Kubernetes secrets with a KMS key (Checkov CKV_AWS_58, cdk-nag EKS secrets encryption). */
import { ResourceRule } from '../../types';
import { asStrings } from '../../../synthesis/values';
import { allOf, expect, expectPresent } from '../../outcomes';

export const EksSecretsEncrypted: ResourceRule = {
  id: 'SC-EAR-15',
  name: 'EksSecretsEncrypted',
  family: 'encryption-at-rest',
  scope: 'resource',
  resourceTypes: ['aws_eks_cluster'],
  description: 'EKS clusters set encryption_config with resources ["secrets"] and a provider key.',
  evaluate(cluster) {
    return allOf(
      expect(cluster.values, 'encryption_config.resources', (v) => asStrings(v).includes('secrets'), 'encrypt "secrets" with envelope encryption'),
      expectPresent(cluster.values, 'encryption_config.provider.key_arn', 'name the region key'),
    );
  },
};

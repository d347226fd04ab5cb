/** MSK refuses unauthenticated clients (Checkov CKV_AWS_292-style). */
import { ResourceRule } from '../../types';
import { read } from '../../../synthesis/values';
import { allOf, compliant, expectBoolean, nonCompliant } from '../../outcomes';

export const MskNoUnauthenticatedAccess: ResourceRule = {
  id: 'SC-PUB-8',
  name: 'MskNoUnauthenticatedAccess',
  family: 'public-exposure',
  scope: 'resource',
  resourceTypes: ['aws_msk_cluster'],
  description: 'MSK clusters set client_authentication with unauthenticated = false and an authentication method (IAM, SCRAM or TLS).',
  evaluate(cluster) {
    if (read(cluster.values, 'client_authentication').kind === 'absent') {
      return nonCompliant('client_authentication is not set, so any client that reaches a broker may read and write; use IAM (sasl.iam = true)');
    }
    const methods = ['client_authentication.sasl.iam', 'client_authentication.sasl.scram', 'client_authentication.tls'];
    const hasMethod = methods.some((m) => {
      const v = read(cluster.values, m);
      return v.kind === 'expression' || (v.kind === 'value' && v.value !== false && v.value !== 'false');
    });
    return allOf(
      expectBoolean(cluster.values, 'client_authentication.unauthenticated', false, 'set unauthenticated = false', false),
      hasMethod ? compliant() : nonCompliant('no authentication method is on; set sasl.iam = true'),
    );
  },
};

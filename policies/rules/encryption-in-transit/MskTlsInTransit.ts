/** MSK uses TLS between clients and brokers and inside the cluster (Checkov CKV_AWS_81's in-transit part). */
import { ResourceRule } from '../../types';
import { allOf, expect, expectBoolean } from '../../outcomes';

export const MskTlsInTransit: ResourceRule = {
  id: 'SC-EIT-3',
  name: 'MskTlsInTransit',
  family: 'encryption-in-transit',
  scope: 'resource',
  resourceTypes: ['aws_msk_cluster'],
  description: 'MSK clusters keep encryption_in_transit.client_broker = "TLS" (the default) and in_cluster = true (the default).',
  evaluate(cluster) {
    const path = 'encryption_info.encryption_in_transit';
    return allOf(
      expect(
        cluster.values,
        `${path}.client_broker`,
        (v) => v === undefined || v === 'TLS',
        'use "TLS"; "TLS_PLAINTEXT" and "PLAINTEXT" let clients send data in clear',
      ),
      expectBoolean(cluster.values, `${path}.in_cluster`, true, 'keep in_cluster = true', true),
    );
  },
};

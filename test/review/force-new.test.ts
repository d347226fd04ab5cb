/** The force-new table as the review applies it without a plan. */
import { attributeChanges } from '../../review/diff';
import { blocksAddedOrRemoved, forceNewEntry, unsureNote } from '../../review/force-new';
import { flatten } from '../../review/values';

describe('force-new table', () => {
  it('matches a changed path, or a path under an entry, without list indices', () => {
    expect(forceNewEntry('aws_db_instance', 'storage_encrypted')).toBe('storage_encrypted');
    expect(forceNewEntry('aws_msk_cluster', 'encryption_info[0].encryption_at_rest_kms_key_arn')).toBe('encryption_info.encryption_at_rest_kms_key_arn');
    expect(forceNewEntry('aws_mq_broker', 'encryption_options.use_aws_owned_key')).toBe('encryption_options');
    expect(forceNewEntry('aws_db_instance', 'instance_class')).toBeUndefined();
    expect(forceNewEntry('aws_db_instance', 'identifier')).toBeUndefined();
  });

  it('says "may force replacement" where the provider decides by value', () => {
    const changes = attributeChanges('aws_elasticache_replication_group', new Map([['engine', 'redis']]), new Map([['engine', 'valkey']]));
    expect(changes).toEqual([
      {
        path: 'engine',
        before: 'redis',
        after: 'valkey',
        sensitive: false,
        forcesReplacement: false,
        mayForceReplacement: 'redis → valkey is an in-place upgrade; any other engine change replaces the group',
        verdict: 'in-place',
        verdictReason: 'updated in place',
        verdictSource: 'provider schema (not ForceNew)',
      },
    ]);
    expect(unsureNote('aws_instance', 'user_data')?.entry).toBe('user_data');
  });

  it('replaces an OpenSearch domain that moves in or out of a VPC, not one whose subnets change', () => {
    const inVpc = flatten({ domain_name: 'd', vpc_options: { subnet_ids: ['subnet-1'] } });
    const otherSubnets = flatten({ domain_name: 'd', vpc_options: { subnet_ids: ['subnet-2'] } });
    const publicDomain = flatten({ domain_name: 'd' });
    expect(blocksAddedOrRemoved('aws_opensearch_domain', inVpc, publicDomain)).toEqual(['vpc_options']);
    expect(attributeChanges('aws_opensearch_domain', inVpc, publicDomain).map((a) => a.forcesReplacement)).toEqual([true]);
    const moved = attributeChanges('aws_opensearch_domain', inVpc, otherSubnets);
    expect(moved).toMatchObject([
      { path: 'vpc_options.subnet_ids', forcesReplacement: false, mayForceReplacement: expect.stringMatching(/^changing the subnets/) },
    ]);
  });

  it('treats a provider change (another region or account) as a replacement', () => {
    expect(attributeChanges('aws_vpc', new Map([['provider', 'aws']]), new Map([['provider', 'aws.eu-west-1']]))[0].forcesReplacement).toBe(true);
  });
});

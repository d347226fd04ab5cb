/** Cross-stack outputs get names a reviewer can read (review "Reviewer experience"). */
import { crossStackOutputName } from '../../stacks/stagecraft-stack';
import { synthesizeExamples } from '../helpers/examples';

describe('cross-stack output names', () => {
  it('name the resource without its hash, and the attribute without list indexes', () => {
    expect(crossStackOutputName('aws_eks_cluster.eks_cluster_55B0C966.certificate_authority[0].data')).toBe('shared_eks_cluster_certificate_authority_data');
    expect(crossStackOutputName('aws_elasticache_replication_group.redis_replication-group_5BD9E6FB.configuration_endpoint_address')).toBe(
      'shared_redis_replication-group_configuration_endpoint_address',
    );
    expect(crossStackOutputName('aws_lb.alb_88D76693.dns_name')).toBe('shared_alb_dns_name');
  });

  it('are the only outputs the examples share across stacks, and every one is read', () => {
    const examples = synthesizeExamples();
    const massive = examples.stack('acme-massive-us-east-1') as { output: Record<string, unknown> };
    const names = Object.keys(massive.output);
    expect(names.filter((n) => n.startsWith('cross-stack-output-'))).toEqual([]);
    expect(names).toContain('shared_eks_cluster_certificate_authority_data');
    const apps = JSON.stringify(examples.stack('acme-massive-us-east-1-apps'));
    for (const name of names.filter((n) => n.startsWith('shared_eks_cluster_'))) expect(apps).toContain(`.outputs.${name}`);
  });
});

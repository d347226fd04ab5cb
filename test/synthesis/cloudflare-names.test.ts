/**
 * Cloudflare's own rules for the names the edge constructs derive (load balancer pools, the load
 * balancer's hostname, R2 buckets, the Worker script), checked with the AWS ones before a
 * synthesis replaces any output: a name Cloudflare refuses is exit 2 naming the environment's
 * `name` field and Cloudflare, not a failed apply.
 */
import { nameAuthority, nameViolations } from '../../synthesis/aws-names';
import { synthesizeExamples } from '../helpers/examples';

const stackWith = (type: string, attribute: string, value: string) => ({ resource: { [type]: { r: { [attribute]: value } } } });

describe('Cloudflare names', () => {
  it.each([
    ['cloudflare_load_balancer_pool', 'name', 'acme-massive-us-east-1', 'acme.massive us-east-1', 'allowed: letters, digits, _ -'],
    ['cloudflare_r2_bucket', 'name', 'acme-assets', '-acme-assets', 'allowed: lowercase letters, digits and hyphens, not at either end'],
    ['cloudflare_r2_bucket', 'name', 'abc', 'ab', '2 characters; allowed: at least 3'],
    [
      'cloudflare_load_balancer',
      'name',
      'acme-example.com',
      'acme_example.com',
      'allowed: a DNS name: dot-separated labels of letters, digits and inner hyphens, at most 63 characters each',
    ],
    ['cloudflare_workers_script', 'script_name', 'acme-massive-edge', 'Acme-Edge', 'allowed: lowercase letters, digits, _ -'],
  ])('%s %s: accepts %s, refuses %s', (type, attribute, good, bad, reason) => {
    expect(nameViolations('s', stackWith(type, attribute, good))).toEqual([]);
    expect(nameViolations('s', stackWith(type, attribute, bad))).toEqual([{ stack: 's', address: `${type}.r`, attribute, name: bad, reason }]);
  });

  it('a 64-character R2 bucket and a 254-character hostname are refused', () => {
    expect(nameViolations('s', stackWith('cloudflare_r2_bucket', 'name', 'a'.repeat(64)))[0].reason).toBe('64 characters; allowed: at most 63');
    const host = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.com`;
    expect(host.length).toBeGreaterThan(253);
    expect(nameViolations('s', stackWith('cloudflare_load_balancer', 'name', host))[0].reason).toBe(`${host.length} characters; allowed: at most 253`);
  });

  it('messages say who refuses the name', () => {
    expect([nameAuthority('cloudflare_load_balancer_pool'), nameAuthority('aws_lb')]).toEqual(['Cloudflare', 'AWS']);
  });

  it('every example edge stack passes, pools and buckets included', () => {
    const examples = synthesizeExamples();
    const massive = examples.stack('acme-massive-edge') as Record<string, unknown>;
    expect(Object.keys((massive.resource as Record<string, object>).cloudflare_load_balancer_pool)).toHaveLength(3);
    for (const stage of ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive']) {
      expect(nameViolations(`acme-${stage}-edge`, examples.stack(`acme-${stage}-edge`) as Record<string, unknown>)).toEqual([]);
    }
  });
});

/**
 * AWS's and Cloudflare's own naming and value rules, checked before anything is written: derived
 * names (length, characters, `--`, `xn--`), unique IAM role names, tag count, key prefix and value
 * characters, CIDR notation and zone IDs of the region. Each case of issue 16 with its exact message.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueResourceName } from '../../constructs/shared/protection';
import { project, run } from '../helpers/cli';

const ENV = (name: string, region = 'us-east-1', extra = '') => `name: ${name}\nstage: launch\nregions: [${region}]\ndomain: shop.example.com\n${extra}`;

async function refused(yaml: string): Promise<string> {
  const root = project({ 'environments/e.yaml': yaml });
  const result = await run(root, 'synth');
  expect({ code: result.code, stdout: result.stdout, out: existsSync(join(root, 'cdktf.out')) }).toEqual({ code: 2, stdout: '', out: false });
  return result.stderr;
}

describe("AWS's naming and value rules at validation", () => {
  it('refuses a 24-character environment name in ap-southeast-1: its backup selection name is 53 characters (limit 50)', async () => {
    const name = 'abcdefghij-klmnopqrstuvw';
    expect(name).toHaveLength(24);
    const stderr = await refused(ENV(name, 'ap-southeast-1'));
    const selection = `${name}-ap-southeast-1-backup-tagged`;
    expect(stderr).toContain(
      `environments/e.yaml: name: "${name}" gives aws_backup_selection name "${selection}" in stack ${name}-ap-southeast-1, which AWS refuses (${selection.length} characters; allowed: at most 50); choose a shorter or plainer name\n`,
    );
    expect(selection).toHaveLength(53);
  });

  it('refuses ab--cd (RDS and ElastiCache identifiers) and xn--… (S3 buckets)', async () => {
    const double = await refused(ENV('ab--cd').replace('stage: launch', 'stage: growth'));
    expect(double).toContain(
      'environments/e.yaml: name: "ab--cd" gives aws_db_instance identifier "ab--cd-us-east-1-postgres" in stack ab--cd-us-east-1, which AWS refuses (two hyphens in a row are not allowed); choose a shorter or plainer name\n',
    );
    expect(double).toContain(
      'environments/e.yaml: name: "ab--cd" gives aws_elasticache_replication_group replication_group_id "ab--cd-us-east-1-redis" in stack ab--cd-us-east-1, which AWS refuses (two hyphens in a row are not allowed); choose a shorter or plainer name\n',
    );
    const punycode = await refused(ENV('xn--shop'));
    expect(punycode).toContain(
      'environments/e.yaml: name: "xn--shop" gives aws_s3_bucket bucket "xn--shop-us-east-1-logs-<account-id>" in stack xn--shop-us-east-1, which AWS refuses (S3 refuses names starting with "xn--"); choose a shorter or plainer name\n',
    );
  });

  it('refuses 45 tags, an aws: key, and tag values with !#;$(), control characters or emoji', async () => {
    const many = Array.from({ length: 45 }, (_, i) => `  t${i}: v`).join('\n');
    expect(await refused(ENV('shop', 'us-east-1', `tags:\n${many}\n`))).toBe(
      'environments/e.yaml: tags: has 45 tags; allowed: at most 44 (AWS allows 50 per resource and Stagecraft adds up to 6)\n',
    );
    const bad = [
      'tags:',
      '  aws:team: core',
      '  shell: "a!#;$()"',
      '  bell: "a\\u0007b"',
      '  emoji: "ship 🚀"',
      '  fine: "Team A/B = 1+2 @ x_y.z:w-v"',
      '',
    ].join('\n');
    expect(await refused(ENV('shop', 'us-east-1', bad))).toBe(
      [
        'environments/e.yaml: tags.aws:team: key "aws:team" starts with "aws:", which AWS reserves for its own tags',
        'environments/e.yaml: tags.shell: "a!#;$()" is not an AWS tag value; allowed: letters, digits, spaces and _ . : / = + - @ (at most 256)',
        'environments/e.yaml: tags.bell: "a\\u0007b" is not an AWS tag value; allowed: letters, digits, spaces and _ . : / = + - @ (at most 256)',
        'environments/e.yaml: tags.emoji: "ship 🚀" is not an AWS tag value; allowed: letters, digits, spaces and _ . : / = + - @ (at most 256)',
        '',
      ].join('\n'),
    );
  });

  it('refuses a CIDR with leading zeros and zone IDs of another region', async () => {
    expect(await refused(ENV('shop', 'us-east-1', 'network:\n  cidrs:\n    us-east-1: 010.000.0.0/16\n'))).toBe(
      'environments/e.yaml: network.cidrs.us-east-1: "010.000.0.0/16" is not an IPv4 CIDR block with clear host bits and no leading zeros (e.g. 10.20.0.0/16)\n',
    );
    const zones = await refused(ENV('shop', 'us-east-1', 'network:\n  availabilityZoneIds:\n    us-east-1: [use1-az1, euw1-az1]\n'));
    expect(zones).toMatch(
      /^environments\/e\.yaml: network\.availabilityZoneIds\.us-east-1\[1\]: "euw1-az1" is not a zone ID of us-east-1; allowed: use1-az1, /,
    );
  });

  it('cuts long IAM role names with a hash, so two services sharing 39 characters get two roles; names that fit are unchanged', () => {
    const prefix = 'acme-growth-ap-southeast-1';
    const a = `${'s'.repeat(39)}a`;
    const b = `${'s'.repeat(39)}b`;
    const [roleA, roleB] = [uniqueResourceName(prefix, a), uniqueResourceName(prefix, b)];
    expect(roleA).not.toBe(roleB);
    expect([roleA.length, roleB.length]).toEqual([64, 64]);
    expect(roleA.slice(0, 55)).toBe(`${prefix}-${a}`.slice(0, 55));
    expect(uniqueResourceName(prefix, 'api')).toBe(`${prefix}-api`);
  });
});

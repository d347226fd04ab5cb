/**
 * Origin TLS and origin trust in the synthesized examples (docs/origin-trust.md): the zone's
 * authenticated origin pulls and header rule, the ALBs' mTLS listeners and trust stores, the
 * hosts' origin-certificate secret (no value in Terraform) and proxy, and no private key anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ORIGIN_PULL_CA_FILE, ORIGIN_TLS_SECRET_FILE } from '../../services/compose';
import { synthesizeExamples } from '../helpers/examples';
import { hostFile, releaseFile } from '../helpers/host-user-data';
import { FETCH_SECRETS_SCRIPT } from '../../services/host-fetch-secrets';

const examples = synthesizeExamples();
const environment = (name: string) => examples.environments.find((e) => e.name === name)!;

describe('the zone (edge stacks)', () => {
  it.each(['acme-launch', 'acme-traction', 'acme-growth', 'acme-massive'])(
    '%s: enables authenticated origin pulls and strips a client X-Stagecraft-User',
    (name) => {
      const stack = `${name}-edge`;
      expect(examples.resources(stack, 'cloudflare_authenticated_origin_pulls_settings')).toEqual([
        expect.objectContaining({ zone_id: expect.any(String), enabled: true }),
      ]);
      const [ruleset] = examples.resources(stack, 'cloudflare_ruleset').filter((r) => r.phase === 'http_request_late_transform');
      expect(ruleset.rules).toEqual([
        expect.objectContaining({
          action: 'rewrite',
          expression: `cf.worker.upstream_zone ne "${environment(name).domain}"`,
          action_parameters: { headers: { 'x-stagecraft-user': { operation: 'remove' } } },
        }),
      ]);
    },
  );
});

describe('the ALBs (cluster stages)', () => {
  it.each([
    ['acme-growth', 'us-east-1'],
    ['acme-massive', 'eu-west-1'],
  ])('%s %s: the HTTPS listener verifies clients against a trust store holding the environment CA', (name, region) => {
    const [bundle] = examples.resources(`${name}-${region}`, 'aws_s3_object');
    expect(bundle).toMatchObject({ key: 'origin-pull/ca.pem', content: environment(name).edge.originPullCa });
    expect(String(bundle.bucket)).toMatch(/^\$\{aws_s3_bucket\.logs_bucket_\w+\.bucket\}$/);
    const [trustStore] = examples.resources(`${name}-${region}`, 'aws_lb_trust_store');
    expect(trustStore).toMatchObject({ name: `${name}-${region}` });
    const [listener] = examples.resources(`${name}-edge`, 'aws_lb_listener').filter((l) => l.port === 443 && String(l.provider).endsWith(region));
    expect(listener.mutual_authentication).toEqual({ mode: 'verify', trust_store_arn: expect.stringContaining('trust') });
  });
});

describe('the hosts (launch and traction)', () => {
  it.each([
    ['acme-launch', 'us-east-1'],
    ['acme-traction', 'eu-west-1'],
  ])('%s: the origin certificate is a secret without a value in Terraform, read by the host and served by its proxy', (name, region) => {
    const stack = `${name}-${region}`;
    const secrets = examples.resources(stack, 'aws_secretsmanager_secret').filter((s) => s.name === `${name}/${region}/${ORIGIN_TLS_SECRET_FILE}`);
    expect(secrets).toHaveLength(1);
    const versions = examples.resources(stack, 'aws_secretsmanager_secret_version');
    expect(versions.some((v) => JSON.stringify(v).includes('origin-tls'))).toBe(false);
    const reads = examples
      .resources(stack, 'aws_iam_role_policy')
      .map((p) => JSON.parse(String(p.policy)))
      .flatMap((p) => p.Statement)
      .filter((s: { Sid: string }) => s.Sid === 'ReadOriginCertificate');
    expect(reads).toEqual(
      examples.resources(stack, 'aws_instance').map(() => ({
        Sid: 'ReadOriginCertificate',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        // Built from the secret's name (known at plan time); Secrets Manager appends 6 random characters.
        Resource: [expect.stringMatching(/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:acme-[a-z]+\/[a-z0-9-]+\/origin-tls-\?{6}$/)],
      })),
    );

    const fetch = releaseFile(examples, stack, FETCH_SECRETS_SCRIPT);
    // Waited for at boot, named as docs/origin-trust.md says to put it.
    expect(fetch).toMatch(
      new RegExp(`^fetch '${ORIGIN_TLS_SECRET_FILE}' '\\$\\{aws_secretsmanager_secret\\.origin-tls_secret_\\w+\\.arn\\}' 'docs/origin-trust.md'$`, 'm'),
    );
    expect(hostFile(examples, stack, `/etc/stagecraft/${ORIGIN_PULL_CA_FILE}`)).toBe(environment(name).edge.originPullCa);
    const compose = parse(hostFile(examples, stack, '/etc/stagecraft/compose.yaml')) as { services: Record<string, Record<string, unknown>> };
    expect(compose.services.proxy).toMatchObject({ ports: ['443:8443'], secrets: [ORIGIN_TLS_SECRET_FILE] });
    const nginx = hostFile(examples, stack, '/etc/stagecraft/nginx.conf');
    expect(nginx).toContain('  ssl_verify_client on;');
    expect(nginx).toContain(`    server_name ${environment(name).domain};`);
    expect(nginx).toContain('    location = /ws {');
  });
});

describe('secrets', () => {
  it('no synthesized stack holds a private key', () => {
    const stacks = readdirSync(join(examples.outdir, 'stacks'));
    expect(stacks.length).toBeGreaterThan(10);
    for (const stack of stacks) expect(`${stack}: ${readFileSync(join(examples.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')}`).not.toMatch(/PRIVATE KEY/);
  });
});

describe('the search master role', () => {
  it('trusts only the index-rotation Job role of its region', () => {
    const stack = 'acme-growth-us-east-1';
    const [role] = examples.resources(stack, 'aws_iam_role').filter((r) => String(r.name).endsWith('-search-admin'));
    const trust = JSON.parse(String(role.assume_role_policy));
    expect(trust.Statement).toEqual([
      {
        Sid: 'OperationsJobs',
        Effect: 'Allow',
        // Built from the role's name, so the plan shows it; the reference keeps the policy after the role.
        Principal: { AWS: [expect.stringMatching(/^arn:aws:iam::\d{12}:role\/\$\{aws_iam_role\.search-index-rotation_role_\w+\.name\}$/)] },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
    ]);
  });
});

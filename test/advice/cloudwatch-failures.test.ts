/**
 * `advise --from-cloudwatch` when CloudWatch cannot be used: no credentials, an endpoint that
 * refuses connections, credentials AWS refuses. Each is exit 2 with what to set, never a stack
 * trace. The first two use the real SDK (credential chain and HTTP handler), the third a mocked client.
 */
import { createServer } from 'node:net';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { project, run } from '../helpers/cli';

const GROWTH = 'name: shop-growth\nstage: growth\nregions: [us-east-1]\ndomain: shop.example.com\nworkload:\n  mau: 4500000\n  hotRetentionDays: 2\n';
const HELP =
  'set AWS_PROFILE to a profile in ~/.aws/config (after `aws sso login` for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)';

/** Environment variables the SDK reads, cleared so no real credentials or endpoint on this machine are used. */
const AWS_VARIABLES = Object.keys(process.env).filter((name) => name.startsWith('AWS_'));

/** A port on 127.0.0.1 that refuses connections: bound once, then closed. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('advise --from-cloudwatch without a usable CloudWatch', () => {
  let root: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    root = project({ 'environments/shop.yaml': GROWTH });
    expect((await run(root, 'synth')).code).toBe(0);
  });

  beforeEach(() => {
    for (const name of AWS_VARIABLES) delete process.env[name];
    process.env.AWS_CONFIG_FILE = `${root}/no-aws-config`;
    process.env.AWS_SHARED_CREDENTIALS_FILE = `${root}/no-aws-credentials`;
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });

  afterEach(() => {
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('exits 2 with what to set when there are no credentials', async () => {
    const result = await run(root, 'advise', '--env', 'shop', '--from-cloudwatch');
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^stagecraft advise: --from-cloudwatch: no AWS credentials found \(CredentialsProviderError: [^\n]+\); /);
    expect(result.stderr.endsWith(`; ${HELP}\n`)).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the region and the endpoint settings when the endpoint refuses connections', async () => {
    const port = await refusedPort();
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', AWS_ENDPOINT_URL_CLOUDWATCH: `http://127.0.0.1:${port}` });
    const result = await run(root, 'advise', '--env', 'shop', '--from-cloudwatch');
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 2,
      stderr: `stagecraft advise: --from-cloudwatch: cannot reach CloudWatch in us-east-1 (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}); check the network and proxy settings, and AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_CLOUDWATCH if one is set\n`,
    });
  });

  it('exits 2 when AWS refuses the credentials', async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    try {
      cloudwatch.on(DescribeAlarmsCommand).rejects(
        Object.assign(new Error('The security token included in the request is invalid.'), {
          name: 'InvalidClientTokenId',
          $metadata: { httpStatusCode: 403 },
        }),
      );
      const result = await run(root, 'advise', '--env', 'shop', '--from-cloudwatch');
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 2,
        stderr: `stagecraft advise: --from-cloudwatch: AWS refused the credentials in us-east-1 (InvalidClientTokenId: The security token included in the request is invalid.); ${HELP}, for an identity allowed cloudwatch:DescribeAlarms and cloudwatch:GetMetricData\n`,
      });
    } finally {
      cloudwatch.restore();
    }
  });
});

/**
 * `stagecraft check --sarif`: SARIF 2.1.0 for GitHub code scanning, validated against the official
 * SARIF 2.1.0 JSON schema (shipped by @microsoft/jest-sarif) and checked field by field.
 */
import '@microsoft/jest-sarif';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAGECRAFT_PACK } from '../../policies/packs/stagecraft';
import { resourceLine, SarifLog } from '../../policies/sarif';
import { run, TINY_LAUNCH_TRUSTED } from '../helpers/cli';
import { copyExampleServices } from '../helpers/services';

const LAUNCH = TINY_LAUNCH_TRUSTED;
const STACK = 'tiny-launch-us-east-1';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'stagecraft-sarif-'));
  mkdirSync(join(root, 'environments'));
  copyExampleServices(root);
  writeFileSync(join(root, 'environments', 'tiny.yaml'), LAUNCH);
  expect((await run(root, 'synth', '--out', 'base')).code).toBe(0);
  cpSync(join(root, 'base'), join(root, 'open'), { recursive: true });
  const file = join(root, 'open', 'stacks', STACK, 'cdk.tf.json');
  const stack = JSON.parse(readFileSync(file, 'utf8'));
  stack.resource.aws_vpc_security_group_ingress_rule.ssh = {
    security_group_id: 'sg-1',
    cidr_ipv4: '0.0.0.0/0',
    ip_protocol: 'tcp',
    from_port: 22,
    to_port: 22,
  };
  writeFileSync(file, JSON.stringify(stack, null, 2));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('stagecraft check --sarif', () => {
  let log: SarifLog;
  let stderr: string;

  beforeAll(async () => {
    const result = await run(root, 'check', '--out', 'open', '--sarif', 'check.sarif');
    expect(result.code).toBe(1);
    stderr = result.stderr;
    log = JSON.parse(readFileSync(join(root, 'check.sarif'), 'utf8')) as SarifLog;
  });

  it('is a valid SARIF 2.1.0 log', () => {
    expect(log).toBeValidSarifLog();
    // The schema is enforced: a result without a message is not SARIF.
    expect({ ...log, runs: [{ ...log.runs[0], results: [{ ruleId: 'SC-PUB-1' }] }] }).not.toBeValidSarifLog();
    expect([log.version, log.runs.length]).toEqual(['2.1.0', 1]);
  });

  it('lists every rule of the pack with id, name, descriptions, help and default level', () => {
    const rules = log.runs[0].tool.driver.rules;
    expect(log.runs[0].tool.driver.name).toBe('stagecraft');
    expect(rules.map((r) => [r.id, r.name, r.shortDescription.text, r.defaultConfiguration.level])).toEqual(
      STAGECRAFT_PACK.rules.map((e) => [e.rule.id, e.rule.name, e.rule.description, e.level]),
    );
    for (const rule of rules) expect(rule.help.text.length).toBeGreaterThan(20);
  });

  it('locates the finding in the stack file, on the line of the resource, with its address as a logical location', () => {
    const open = log.runs[0].results.filter((r) => r.suppressions === undefined);
    const text = readFileSync(join(root, 'open', 'stacks', STACK, 'cdk.tf.json'), 'utf8');
    const line = resourceLine(text, 'aws_vpc_security_group_ingress_rule.ssh')!;
    expect(text.split('\n')[line - 1].trim()).toBe('"ssh": {');
    expect(open).toEqual([
      {
        ruleId: 'SC-PUB-1',
        ruleIndex: log.runs[0].tool.driver.rules.findIndex((r) => r.id === 'SC-PUB-1'),
        level: 'error',
        message: {
          text: `aws_vpc_security_group_ingress_rule.ssh in ${STACK}: admits 0.0.0.0/0 on port 22; admit security groups or a prefix list (Cloudflare's ranges) instead`,
        },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: `open/stacks/${STACK}/cdk.tf.json`, uriBaseId: 'SRCROOT' }, region: { startLine: line } },
            logicalLocations: [
              { name: 'aws_vpc_security_group_ingress_rule.ssh', fullyQualifiedName: `${STACK}/aws_vpc_security_group_ingress_rule.ssh`, kind: 'resource' },
            ],
          },
        ],
        partialFingerprints: { stagecraftFinding: `SC-PUB-1/${STACK}/aws_vpc_security_group_ingress_rule.ssh` },
      },
    ]);
  });

  it('carries suppressed findings as in-source suppressions with their reason', async () => {
    const suppressed = log.runs[0].results.filter((r) => r.suppressions !== undefined);
    const json = JSON.parse((await run(root, 'check', '--out', 'open', '--json')).stdout) as {
      suppressed: Array<{ ruleId: string; suppressedBecause: string }>;
    };
    expect(suppressed.map((r) => [r.ruleId, r.suppressions])).toEqual(
      json.suppressed.map((s) => [s.ruleId, [{ kind: 'inSource', justification: s.suppressedBecause }]]),
    );
    expect(suppressed.length).toBeGreaterThan(0);
  });

  it('says where it wrote on stderr, and leaves stdout to the findings', () => {
    const results = log.runs[0].results.length;
    expect(stderr).toBe(`wrote SARIF 2.1.0 (${results} results, ${STAGECRAFT_PACK.rules.length} rules) to check.sarif\n`);
  });

  it.each([
    ['', 'stagecraft check: --sarif: a file name is required; received an empty value'],
    ['base', 'stagecraft check: --sarif: base is a directory; give a file name such as stagecraft.sarif'],
    ['missing/check.sarif', 'stagecraft check: --sarif: missing/check.sarif: the directory missing does not exist'],
  ])('refuses --sarif %j with exit 2 before checking anything', async (given, message) => {
    const result = await run(root, 'check', '--out', 'open', '--sarif', given);
    expect([result.code, result.stderr, result.stdout]).toEqual([2, `${message}\n`, '']);
    expect(existsSync(join(root, 'missing'))).toBe(false);
  });
});

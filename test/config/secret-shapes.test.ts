/** Secret-shaped plain values are refused in service and environment files, with the value never echoed. */
import { join } from 'node:path';
import { formatProblem } from '../../config/errors';
import { parseEnvironment } from '../../config/load';
import { loadServiceCatalog } from '../../config/services';
import { SECRET_SHAPES, secretShapeOf, secretShapedProblems } from '../../config/secret-shapes';
import { base } from '../helpers/environments';
import { catalogProject } from '../helpers/services';

const edit = (from: string, to: string) => (text: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit did not apply: ${from}`);
  return next;
};

function problemsWith(changes: Parameters<typeof catalogProject>[0]): string[] {
  const root = catalogProject(changes);
  return loadServiceCatalog(join(root, 'services'), root).problems.map(formatProblem);
}

/** A value of each shape, built from its parts so no key-shaped literal sits in the source. */
const SAMPLES: Record<string, string> = {
  'Stripe live key': ['sk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_'),
  'Stripe test key': ['sk', 'test', '4eC39HqLyjWDarjtT1zdp7dc'].join('_'),
  'Stripe restricted live key': ['rk', 'live', '4eC39HqLyjWDarjtT1zdp7dc'].join('_'),
  'Stripe restricted test key': ['rk', 'test', '4eC39HqLyjWDarjtT1zdp7dc'].join('_'),
  'Stripe webhook signing secret': 'whsec_' + 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  'AWS access key id': 'AKIA' + 'IOSFODNN7EXAMPLE',
  'AWS temporary access key id': 'ASIA' + 'IOSFODNN7EXAMPLE',
  'GitHub token': 'ghp_' + 'a'.repeat(36),
  'GitHub fine-grained token': 'github_pat_' + '11ABCDEFG0123456789_abcdefghij',
  'Slack token': 'xoxb-' + '123456789012-123456789012-abcdefABCDEF',
  'Slack webhook URL': 'https://hooks.slack.com/services/' + 'T000/B000/XXXXXXXXXXXX',
  'Google API key': 'AIza' + 'SyD-abcdefghijklmnopqrstuvwxyz01234',
  'GitLab token': 'glpat-' + 'abcdefghij0123456789',
  'SendGrid key': 'SG.' + 'abcdefghijklmnopqrstuv.' + 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  'npm token': 'npm_' + 'a1'.repeat(18),
  'Anthropic key': 'sk-ant-' + 'api03-abcdefghijklmnopqrstuvwxyz',
  'OpenAI key': 'sk-proj-' + 'abcdefghijklmnopqrstuvwxyz',
  'private key': ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'].join(' '),
  'URL with a password': 'postgres://app:' + 'hunter2hunter2' + '@db.internal:5432/app',
};

describe('secret shapes', () => {
  it('recognises a sample of every shape, as that shape', () => {
    for (const shape of SECRET_SHAPES) expect([shape.what, secretShapeOf(SAMPLES[shape.what])?.what]).toEqual([shape.what, shape.what]);
  });

  it('leaves plain settings and bare prefixes alone', () => {
    for (const value of ['info', '8080', 'sk_live_', 'https://api.example.com/v1', 'AKIA', 'postgres://db.internal:5432/app', '-----BEGIN CERTIFICATE-----']) {
      expect([value, secretShapeOf(value)]).toEqual([value, undefined]);
    }
  });

  it('never shows the value: only its recognised prefix', () => {
    for (const shape of SECRET_SHAPES) {
      const sample = SAMPLES[shape.what];
      const [problem] = secretShapedProblems('f.yaml', { env: { X: sample } }, 'service');
      expect(problem.message).not.toContain(sample);
      expect(problem.message).toMatch(/received [^\n]*…$/);
    }
  });
});

describe('a secret in a service file', () => {
  it('refuses a Stripe live key in env with exit-2 problems naming the field', () => {
    const key = SAMPLES['Stripe live key'];
    expect(problemsWith({ 'api.yaml': edit('  LOG_LEVEL: info\n', `  LOG_LEVEL: info\n  STRIPE_SECRET_KEY: ${key}\n`) })).toEqual([
      'services/api.yaml: env.STRIPE_SECRET_KEY: looks like a secret (Stripe live key); declare it under secrets: and set its value in Secrets Manager; received sk_live_…',
    ]);
  });

  it('refuses a private key and a password URL anywhere in the file, also where the schema would refuse the field', () => {
    const pem = JSON.stringify(SAMPLES['private key']);
    expect(
      problemsWith({
        'archive-worker.yaml': edit('  LOG_LEVEL: info\n', `  LOG_LEVEL: info\n  TLS_KEY: ${pem}\n`),
        'delivery-worker.yaml': edit('stages:', `notes: ${SAMPLES['URL with a password']}\nstages:`),
      }),
    ).toEqual([
      'services/archive-worker.yaml: env.TLS_KEY: looks like a secret (private key); declare it under secrets: and set its value in Secrets Manager; received -----BEGIN …',
      'services/delivery-worker.yaml: notes: looks like a secret (URL with a password); declare it under secrets: and set its value in Secrets Manager; received postgres://…',
      'services/delivery-worker.yaml: (root): unknown key "notes"; allowed keys: name, description, kind, image, schedule, timeZone, concurrencyPolicy, deadlineSeconds, retries, drainSeconds, secrets, archive, ports, health, resources, env, dataStores, topics, calls, stages, scaling, demand, edge',
    ]);
  });
});

describe('a secret in an environment file', () => {
  it('refuses an AWS access key in a tag', () => {
    const text = `${base('launch')}tags:\n  deployer: ${SAMPLES['AWS access key id']}\n`;
    expect(parseEnvironment(text, 'environments/x.yaml').problems.map(formatProblem)).toEqual([
      "environments/x.yaml: tags.deployer: looks like a secret (AWS access key id); keep it out of the file: declare it under a service's secrets: and set its value in Secrets Manager; received AKIA…",
    ]);
  });
});

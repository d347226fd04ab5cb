/**
 * Plain values shaped like a known secret: provider key prefixes (Stripe, AWS, GitHub, Slack,
 * Google, GitLab, SendGrid, npm, OpenAI, Anthropic), private keys and URLs with a password. A
 * service's `env` (and every other string of a service or environment file) lands in plain text
 * in the synthesized JSON, the state and a host's `user_data`, so such a value is refused before
 * anything is built (issue 18): the secret belongs under the service's `secrets:` and its value
 * in Secrets Manager. The message shows only the recognised prefix, never the value.
 */
import { Problem } from './errors';

/** One recognisable secret shape. */
interface SecretShape {
  /** Matches the secret anywhere in a value. */
  readonly pattern: RegExp;
  /** What it is, for the message: `Stripe live key`. */
  readonly what: string;
  /** The prefix the message shows, followed by `…`. */
  readonly shown: string;
}

/** The shapes, most specific first. Lengths keep short look-alikes (a bare prefix, a log tag) out. */
export const SECRET_SHAPES: readonly SecretShape[] = [
  { pattern: /sk_live_[0-9A-Za-z]{10,}/, what: 'Stripe live key', shown: 'sk_live_' },
  { pattern: /sk_test_[0-9A-Za-z]{10,}/, what: 'Stripe test key', shown: 'sk_test_' },
  { pattern: /rk_live_[0-9A-Za-z]{10,}/, what: 'Stripe restricted live key', shown: 'rk_live_' },
  { pattern: /rk_test_[0-9A-Za-z]{10,}/, what: 'Stripe restricted test key', shown: 'rk_test_' },
  { pattern: /whsec_[0-9A-Za-z+/=]{16,}/, what: 'Stripe webhook signing secret', shown: 'whsec_' },
  { pattern: /(?<![0-9A-Z])AKIA[0-9A-Z]{16}(?![0-9A-Z])/, what: 'AWS access key id', shown: 'AKIA' },
  { pattern: /(?<![0-9A-Z])ASIA[0-9A-Z]{16}(?![0-9A-Z])/, what: 'AWS temporary access key id', shown: 'ASIA' },
  { pattern: /gh[pousr]_[0-9A-Za-z]{30,}/, what: 'GitHub token', shown: 'gh' },
  { pattern: /github_pat_[0-9A-Za-z_]{20,}/, what: 'GitHub fine-grained token', shown: 'github_pat_' },
  { pattern: /xox[abposr]-[0-9A-Za-z-]{10,}/, what: 'Slack token', shown: 'xox' },
  { pattern: /https:\/\/hooks\.slack\.com\/services\/[0-9A-Za-z/]{10,}/, what: 'Slack webhook URL', shown: 'https://hooks.slack.com/services/' },
  { pattern: /AIza[0-9A-Za-z_-]{35}/, what: 'Google API key', shown: 'AIza' },
  { pattern: /glpat-[0-9A-Za-z_-]{20,}/, what: 'GitLab token', shown: 'glpat-' },
  { pattern: /SG\.[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}/, what: 'SendGrid key', shown: 'SG.' },
  { pattern: /npm_[0-9A-Za-z]{36}/, what: 'npm token', shown: 'npm_' },
  { pattern: /sk-ant-[0-9A-Za-z_-]{20,}/, what: 'Anthropic key', shown: 'sk-ant-' },
  { pattern: /sk-proj-[0-9A-Za-z_-]{20,}/, what: 'OpenAI key', shown: 'sk-proj-' },
  { pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/, what: 'private key', shown: '-----BEGIN ' },
  { pattern: /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, what: 'URL with a password', shown: '' },
];

/** The shape `value` has, or undefined. */
export function secretShapeOf(value: string): SecretShape | undefined {
  return SECRET_SHAPES.find((shape) => shape.pattern.test(value));
}

/** What a message shows of a secret-shaped value: its recognised prefix and `…` (the scheme of a URL). */
export function truncatedSecret(value: string, shape: SecretShape): string {
  if (shape.shown !== '') return `${shape.shown}…`;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value.trim());
  return `${scheme ? scheme[0] : ''}…`;
}

/** How the message tells the user to keep the value instead. */
export type SecretAdvice = 'service' | 'environment';

const ADVICE: Readonly<Record<SecretAdvice, string>> = {
  service: 'declare it under secrets: and set its value in Secrets Manager',
  environment: "keep it out of the file: declare it under a service's secrets: and set its value in Secrets Manager",
};

/** The path of `key` below `path`: `env.STRIPE_KEY`, `ports[0].name`. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Every string of a parsed YAML document (values and mapping keys) that looks like a secret, as
 * problems of `file`. Runs over the raw data, so it covers fields the schema would refuse too.
 */
export function secretShapedProblems(file: string, data: unknown, advice: SecretAdvice): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      const shape = secretShapeOf(value);
      if (shape) {
        problems.push({
          file,
          path: path === '' ? '(root)' : path,
          message: `looks like a secret (${shape.what}); ${ADVICE[advice]}; received ${truncatedSecret(value, shape)}`,
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, childPath(path, i)));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const shape = secretShapeOf(key);
        // A secret-shaped key is reported at its mapping, and never shown in a path.
        if (shape)
          problems.push({
            file,
            path: path === '' ? '(root)' : path,
            message: `has a key that looks like a secret (${shape.what}); ${ADVICE[advice]}; received ${truncatedSecret(key, shape)}`,
          });
        visit(inner, childPath(path, shape ? '(redacted key)' : key));
      }
    }
  };
  visit(data, '');
  return problems;
}

/**
 * `shaped` problems whose field `others` do not already report: a field with a rule of its own
 * (a pager URL with credentials, an origin CA holding a private key) keeps that rule's message alone.
 */
export function withoutReported(shaped: readonly Problem[], others: readonly Problem[]): Problem[] {
  const reported = new Set(others.map((p) => `${p.file}\u0000${p.path}`));
  return shaped.filter((p) => !reported.has(`${p.file}\u0000${p.path}`));
}

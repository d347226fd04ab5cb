/**
 * A rate limit that counts only one spelling of a path is bypassed by the others: `/API/auth/login`,
 * `/api//auth/login`, `/api/auth/login/`, `/api/%61uth/login`, `/api%2Fauth/login` reach the
 * same handler on many origins (issue 16). For each rate-limiting rule of an edge stack, this
 * rule takes the paths it names (its path literals, and the paths its regular expressions
 * describe), spells each of them the ways clients do, and runs the rule's expression and the
 * stack's WAF custom rules (an earlier phase) on each spelling with the Rules-language evaluator
 * (synthesis/cloudflare-rules.ts): every spelling must be counted, or blocked before the limit.
 * It names the spellings that escape. Plans differ in what an expression can say
 * (docs/edge-paths.md); this checks the result, whatever the plan.
 */
import { evaluate, inventory, RulesRequest, RulesSyntaxError } from '../../../synthesis/cloudflare-rules';
import { read, readAll, record } from '../../../synthesis/values';
import { StackOutcome, StackRule, StackView } from '../../types';
import { compliant, couldNotEvaluate, nonCompliant } from '../../outcomes';

interface RulesetRule {
  readonly name: string;
  readonly expression: string;
}

function rulesOf(stack: StackView, phase: string): RulesetRule[] {
  return stack
    .resources('cloudflare_ruleset')
    .filter((r) => {
      const p = read(r.values, 'phase');
      return p.kind === 'value' && p.value === phase;
    })
    .flatMap((ruleset) =>
      readAll(ruleset.values, 'rules')
        .flatMap((r) => (Array.isArray(r) ? r : [r]))
        .map((rule, i) => {
          const body = record(rule) ?? {};
          return { name: typeof body.ref === 'string' ? `rule "${body.ref}"` : `${ruleset.address} rules[${i}]`, expression: String(body.expression ?? '') };
        }),
    );
}

/** The path a simple regular expression describes (`^/+api/+auth/+login/*$` → `/api/auth/login`), or undefined. */
function pathOfPattern(pattern: string): string | undefined {
  const path = pattern
    .replace(/^\^/, '')
    .replace(/\(\/\|\$\)$|\/\*\$$|\$$/, '')
    .replace(/\/\+/g, '/')
    .replace(/\\\./g, '.');
  return /^\/[A-Za-z0-9._~/-]*$/.test(path) ? path : undefined;
}

/** The paths a rule names: its literals that are paths, and its regular expressions that describe one; `/x/` becomes `/x/sample`. */
function namedPaths(expression: string): string[] {
  const used = inventory(expression);
  const paths = [...used.strings].filter((s) => /^\/[A-Za-z0-9._~/-]*$/.test(s));
  for (const pattern of used.patterns) {
    const path = pathOfPattern(pattern);
    if (path) paths.push(path);
  }
  return [...new Set(paths.map((p) => (p.endsWith('/') ? `${p}sample` : p)).filter((p) => p.length > 1))];
}

/** How clients spell `path` (no trailing slash): case, duplicate and trailing slashes, percent-encoding. */
export function spellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const inner = (joiner: string) => (segments.length > 1 ? `/${segments[0]}${joiner}${segments.slice(1).join('/')}` : undefined);
  const letter = path.search(/[a-z]/);
  const variants = [
    path.toUpperCase(),
    `/${path}`,
    inner('//'),
    `${path}/`,
    letter < 0 ? undefined : `${path.slice(0, letter)}%${path.charCodeAt(letter).toString(16)}${path.slice(letter + 1)}`,
    inner('%2F'),
    inner('%2F/'),
    inner('/%2F'),
  ];
  return variants.filter((v): v is string => v !== undefined && v !== path);
}

const METHODS = ['POST', 'GET'];
const HEADERS: ReadonlyArray<ReadonlyArray<readonly [string, string]>> = [[], [['Authorization', 'Bearer sample']]];

export const RateLimitPathSpellings: StackRule = {
  id: 'SC-PUB-13',
  name: 'RateLimitPathSpellings',
  family: 'public-exposure',
  scope: 'stack',
  description:
    'Every spelling of a rate-limited path (case, duplicate and trailing slashes, percent-encoding) is counted by the rate-limiting rule, or blocked by a WAF custom rule before it.',
  evaluate(stack) {
    const limits = rulesOf(stack, 'http_ratelimit');
    if (limits.length === 0) return [{ status: 'not-applicable', reason: 'no rate-limiting rules' }];
    const waf = rulesOf(stack, 'http_request_firewall_custom');
    const outcomes: StackOutcome[] = [];
    for (const rule of limits) {
      try {
        const blocked = (request: RulesRequest) => waf.some((w) => evaluate(w.expression, request));
        const escaping = new Set<string>();
        let exercised = false;
        for (const path of namedPaths(rule.expression)) {
          for (const method of METHODS) {
            for (const headers of HEADERS) {
              const request = (rawPath: string): RulesRequest => ({ method, rawPath, headers });
              if (!evaluate(rule.expression, request(path)) || blocked(request(path))) continue;
              exercised = true;
              for (const spelling of spellings(path)) {
                if (!evaluate(rule.expression, request(spelling)) && !blocked(request(spelling))) escaping.add(spelling);
              }
            }
          }
        }
        if (!exercised) outcomes.push({ status: 'not-applicable', reason: `${rule.name} names no path it counts` });
        else if (escaping.size > 0) {
          outcomes.push(
            nonCompliant(
              `${rule.name} does not count ${[...escaping].join(', ')}, and no WAF custom rule blocks them: they reach the origin unlimited (docs/edge-paths.md)`,
            ),
          );
        } else outcomes.push(compliant());
      } catch (error) {
        if (!(error instanceof RulesSyntaxError)) throw error;
        outcomes.push(couldNotEvaluate(`${rule.name}: ${error.message}`));
      }
    }
    return outcomes;
  },
};

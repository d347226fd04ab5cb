/**
 * Every HTTPS listener rule of every example environment (examples/<product>/environments) has a
 * priority AWS accepts (1..50,000) and no other rule of its listener has the same one: a rule out of
 * range fails only at plan or apply, and two rules of one priority fail at apply. Each example is
 * synthesized once into the shared test cache (test/helpers/synthesis-cache.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_RULE_PRIORITY } from '../../constructs/aws/service-routes';
import { cachedExampleSynthesis, PROJECT_ROOT, StackJson } from '../helpers/examples';

const EXAMPLES = join(PROJECT_ROOT, 'examples');
const examples = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface Rule {
  readonly stack: string;
  readonly id: string;
  readonly listener: string;
  readonly priority: number;
}

/** The listener rules of every stack of one example's synthesis. */
function listenerRules(example: string): Rule[] {
  // The entries other test files read too (chat's is the one test/helpers/examples.ts copies).
  const cached = cachedExampleSynthesis(example);
  return cached.summaries.flatMap(({ name }) => {
    const stack = JSON.parse(readFileSync(join(cached.outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;
    return Object.entries(stack.resource?.aws_lb_listener_rule ?? {}).map(([id, rule]) => ({
      stack: name,
      id,
      listener: rule.listener_arn as string,
      priority: rule.priority as number,
    }));
  });
}

describe('listener rule priorities of the example environments', () => {
  it('finds the four example products', () => {
    expect(examples).toEqual(['chat', 'chat-1b', 'collaboration', 'identity']);
  });

  it.each(examples)('%s: every rule within 1..50,000, unique on its listener', (example) => {
    const rules = listenerRules(example);
    const outOfRange = rules.filter((r) => !Number.isInteger(r.priority) || r.priority < 1 || r.priority > MAX_RULE_PRIORITY);
    expect(outOfRange).toEqual([]);
    const byListener = new Map<string, Rule[]>();
    for (const rule of rules) byListener.set(`${rule.stack} ${rule.listener}`, [...(byListener.get(`${rule.stack} ${rule.listener}`) ?? []), rule]);
    for (const [listener, onIt] of byListener) {
      const priorities = onIt.map((r) => r.priority);
      expect({ listener, duplicates: priorities.filter((p, i) => priorities.indexOf(p) !== i) }).toEqual({ listener, duplicates: [] });
    }
  });

  it('has listener rules to check in the cluster examples, two catch-alls on one listener in the collaboration suite', () => {
    const collaboration = listenerRules('collaboration');
    const listeners = new Set(collaboration.map((r) => r.listener));
    expect(listeners.size).toBe(2);
    expect(
      collaboration
        .filter((r) => r.id.endsWith('-api-http') || r.id.endsWith('-web-http'))
        .map((r) => r.priority)
        .sort(),
    ).toEqual([MAX_RULE_PRIORITY - 1, MAX_RULE_PRIORITY - 1, MAX_RULE_PRIORITY, MAX_RULE_PRIORITY]);
    expect(listenerRules('chat').length).toBeGreaterThan(0);
  });
});

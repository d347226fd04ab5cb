/** docs/readiness.md's per-stage table says what `stagecraft readiness` computes for the six examples. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateReadiness, STATUS_MARKS } from '../../readiness/engine';
import { PROJECT_ROOT } from '../helpers/examples';
import { examples } from './fixtures';

const STAGES = ['launch', 'traction', 'growth', 'scale', 'hyperscale', 'massive'];

it('the per-stage table of docs/readiness.md matches the readiness of the examples', () => {
  const page = readFileSync(join(PROJECT_ROOT, 'docs', 'readiness.md'), 'utf8');
  const documented = new Map(
    page
      .split('\n')
      .map((line) => /^\| (RDY-\d+) [^|]+\|(.+)\|$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2].split('|').map((c) => c.trim())]),
  );
  const results = evaluateReadiness(examples());
  const computed = new Map(
    results[0].items.map((item) => [
      item.id,
      STAGES.map((stage) => STATUS_MARKS[results.find((r) => r.stage === stage)!.items.find((i) => i.id === item.id)!.outcome.status]),
    ]),
  );
  expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(computed));
});

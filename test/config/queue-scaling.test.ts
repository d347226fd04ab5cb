/**
 * The queue scaling rule of a service file (issue 18 item 2) and the environments it may run in,
 * with exact messages: a queue rule needs something consumed and a backlog target per pod (its own,
 * or a queue demand's rate × 60 s), a min no larger than its max, and an environment that runs the
 * broker it reads. What passes is resolved: the default target and the overridable range.
 */
import { join } from 'node:path';
import { formatProblem } from '../../config/errors';
import { loadServiceCatalog } from '../../config/services';
import { backlogTargetPerPod, BACKLOG_DRAIN_SECONDS } from '../../config/service-definition';
import { catalogProject } from '../helpers/services';
import { base } from '../helpers/environments';
import { environmentFromFiles } from '../helpers/queue-catalog';

const edit = (from: string | RegExp, to: string) => (text: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit did not apply: ${String(from)}`);
  return next;
};
const CPU_RULE = /scaling:\n {2}rule: cpu\n {2}cpuTargetPercent: 75\n {2}min: 2\n {2}max: 10\n/;
const moderation = (scaling: string, extra = '') => ({ 'moderation-worker.yaml': edit(CPU_RULE, `scaling:\n${scaling}${extra}`) });

function catalogOf(changes: Parameters<typeof catalogProject>[0]) {
  const root = catalogProject(changes);
  return loadServiceCatalog(join(root, 'services'), root);
}
const problemsWith = (changes: Parameters<typeof catalogProject>[0]) => catalogOf(changes).problems.map(formatProblem);

describe('a queue rule in a service file', () => {
  it('is accepted with a target, and resolves the default target from a queue demand', () => {
    const explicit = catalogOf(moderation('  rule: queue\n  min: 2\n  max: 10\n  targetBacklogPerPod: 400\n'));
    expect(explicit.problems).toEqual([]);
    const service = explicit.services.find((s) => s.name === 'moderation-worker')!;
    expect(service.scaling).toEqual({ rule: 'queue', min: 2, max: 10, targetBacklogPerPod: 400 });
    expect(backlogTargetPerPod(service)).toEqual({ perPod: 400, source: 'scaling.targetBacklogPerPod' });
    const derived = catalogOf(moderation('  rule: queue\n  min: 2\n  max: 10\n', 'demand:\n  driver: queue\n  messagesPerSecondPerPod: 12.5\n'));
    expect(derived.problems).toEqual([]);
    expect(backlogTargetPerPod(derived.services.find((s) => s.name === 'moderation-worker')!)).toEqual({
      perPod: 12.5 * BACKLOG_DRAIN_SECONDS,
      source: `demand.messagesPerSecondPerPod 12.5 × ${BACKLOG_DRAIN_SECONDS} s drain`,
    });
  });

  it('refuses a queue rule without a target when nothing gives one, and min above max', () => {
    expect(problemsWith(moderation('  rule: queue\n  min: 12\n  max: 10\n'))).toEqual([
      'services/moderation-worker.yaml: scaling.min: 12 must not exceed scaling.max (10)',
      'services/moderation-worker.yaml: scaling.targetBacklogPerPod: is required with demand driver fixed: the default is demand.messagesPerSecondPerPod × 60 s, which only a queue demand has; allowed: 1 to 1000000000, or demand driver queue',
    ]);
  });

  it('refuses a queue rule on a service that consumes nothing', () => {
    expect(
      problemsWith({
        'archive-worker.yaml': edit('scaling:\n  rule: fixed\n  replicas: 1\n', 'scaling:\n  rule: queue\n  min: 1\n  max: 4\n  targetBacklogPerPod: 10\n'),
      }),
    ).toEqual([
      'services/archive-worker.yaml: scaling.rule: queue scales on the backlog of the topics the service consumes, and it consumes none; allowed: name them in topics.consumes (or topics.<broker>.consumes), or scaling rule cpu or fixed',
    ]);
  });

  it('names the queue rule among the allowed ones', () => {
    expect(problemsWith(moderation('  rule: backlog\n  min: 2\n  max: 10\n'))).toEqual([
      'services/moderation-worker.yaml: scaling.rule: "backlog" is not a scaling rule; allowed: websocket-gateway, api, cpu, queue, fixed',
    ]);
  });
});

describe('an environment of a queue-scaled worker', () => {
  const changes = moderation('  rule: queue\n  min: 2\n  max: 10\n  targetBacklogPerPod: 400\n');

  it('takes services.<name>.min and max as for a cpu rule', () => {
    const { environment, problems } = environmentFromFiles(changes, `${base('growth')}services:\n  moderation-worker: { min: 3, max: 30 }\n`);
    expect(problems).toEqual([]);
    expect(environment!.services.find((s) => s.name === 'moderation-worker')!.scaling).toEqual({ rule: 'queue', min: 3, max: 30, targetBacklogPerPod: 400 });
  });

  it('is refused where the environment runs no broker to read its backlog from', () => {
    // A service that consumes without naming its broker, on an environment that turned the queue off.
    const quiet = {
      ...changes,
      'moderation-worker.yaml': (text: string) =>
        edit('dataStores: [queue, search, database, objectStorage]', 'dataStores: [search, database, objectStorage]')(changes['moderation-worker.yaml'](text)),
      'analytics-worker.yaml': null,
    };
    const { problems } = environmentFromFiles(quiet, `${base('growth')}components:\n  queue: none\n`);
    expect(problems.map(formatProblem)).toEqual([
      'environments/test.yaml: services.moderation-worker: moderation-worker scales on the backlog of the topics it consumes (services/moderation-worker.yaml: scaling.rule queue), but this environment runs no queue to read it from; allowed: a stage and components.queue with its broker (rabbitmq, kafka), or disable moderation-worker',
    ]);
  });
});

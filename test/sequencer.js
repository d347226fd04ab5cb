// Jest's test order, with the slowest files first even on a fresh clone. Jest starts the files
// it timed in an earlier run longest first, but a checkout it has never run (CI) goes by file
// size, and the slowest files are not the biggest: started last, one of them keeps one core busy
// while the other waits. These are the slowest files as measured (docs/performance.md, fifth pass:
// CPU and wall per file of fresh-clone runs); any file not listed keeps jest's order after them.
const Sequencer = require('@jest/test-sequencer').default;

const SLOWEST_FIRST = [
  // test:terraform: the offline plan of the 20 example stacks, ~half the suite's CPU time.
  'test/terraform/examples.test.ts',
  'test/terraform/offline.test.ts',
  'test/terraform/release-plan.test.ts',
  // test:unit: a real PostgreSQL, Chromium, real CLI runs in git worktrees, syntheses per case.
  // The first file synthesizes the shared examples (test/helpers/synthesis-cache.ts), then boots the
  // run's RabbitMQ node (test/helpers/rabbitmq.ts), which takes its time: the second synthesizes only
  // its own environments, so the other worker is busy meanwhile, not waiting for it. The other file
  // that leases the node comes a few files later, once the node is up and the first file is done.
  'test/services/platform/rabbitmq-users.test.ts',
  'test/stacks/components.test.ts',
  'test/services/host-release.test.ts',
  'test/report/browser.test.ts',
  'test/services/host-rabbitmq-users.test.ts',
  'test/cli/review.test.ts',
  'test/services/platform/database-users.test.ts',
  'test/services/platform/queue-scaler.test.ts',
  'test/review/review.test.ts',
  'test/cli/size.test.ts',
  'test/examples/chat-1b.test.ts',
  'test/stacks/apps-stacks.test.ts',
  'test/cli/json-everywhere.test.ts',
  'test/workers/edge-worker.test.ts',
  'test/review/massive-timing.test.ts',
  'test/services/kubernetes/pgbouncer.test.ts',
];

class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const index = SLOWEST_FIRST.findIndex((suffix) => test.path.endsWith(suffix));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: files not listed keep jest's order.
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestFirstSequencer;

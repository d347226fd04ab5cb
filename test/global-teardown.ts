/** Kills what the run kept for its files (test/global-setup.ts): the RabbitMQ node, if a file started one. No process outlives the run. */
import { stopRunNode, TEST_RUN_ENV } from './helpers/rabbitmq';

export default function globalTeardown(): void {
  const run = process.env[TEST_RUN_ENV];
  if (run !== undefined) stopRunNode(run);
}

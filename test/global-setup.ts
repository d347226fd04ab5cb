/**
 * Names the jest run (its main process's id) for the helpers that keep one process for every file
 * of the run: the RabbitMQ node of test/helpers/rabbitmq.ts. The workers inherit the variable.
 */
import { TEST_RUN_ENV } from './helpers/rabbitmq';

export default function globalSetup(): void {
  process.env[TEST_RUN_ENV] = String(process.pid);
}

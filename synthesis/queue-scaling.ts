/**
 * How a queue-scaled worker and the queue-scaler that sets its count say so in the synthesized
 * objects (issue 18 item 2; services/platform/queue-scaler.ts writes them): the worker's Deployment
 * carries `QUEUE_SCALING_ANNOTATION` (the scaler, its range and target), the scaler's container
 * carries every worker it scales in `QUEUE_SCALER_TARGETS_ENV`, one a line. Here, in synthesis/,
 * because the apps stack writes them and the graph and guardrail SC-K8S-10 read them back.
 */
import { record } from './values';

/** On a worker's Deployment: `{"scaler":"<namespace>/<name>","min":…,"max":…,"targetPerPod":…}`. */
export const QUEUE_SCALING_ANNOTATION = 'stagecraft.io/queue-scaling';
/** On the scaler's container: `<deployment> <min> <max> <target per pod> <source>…` per line. */
export const QUEUE_SCALER_TARGETS_ENV = 'QUEUE_SCALER_TARGETS';

/** What a worker's annotation says. */
export interface QueueScaling {
  /** `<namespace>/<name>` of the scaler's Deployment. */
  readonly scaler: string;
  readonly min: number;
  readonly max: number;
  readonly targetPerPod: number;
}

/** One line of the scaler's targets. */
export interface QueueScalerTarget extends Omit<QueueScaling, 'scaler'> {
  readonly deployment: string;
  /** `rabbitmq:<broker>:<queue>` or `kafka:<cluster>:<group>:<topic>`. */
  readonly sources: readonly string[];
}

/** The annotation of an API object's metadata, read; undefined when absent or not the expected shape. */
export function queueScalingOf(object: { readonly metadata?: unknown }): QueueScaling | undefined {
  const text = record(record(object.metadata)?.annotations)?.[QUEUE_SCALING_ANNOTATION];
  if (typeof text !== 'string') return undefined;
  try {
    const value = JSON.parse(text) as Partial<QueueScaling>;
    const numbers = [value.min, value.max, value.targetPerPod];
    return typeof value.scaler === 'string' && numbers.every((n) => typeof n === 'number') ? (value as QueueScaling) : undefined;
  } catch {
    return undefined;
  }
}

/** The scaler's targets, from its variable's value. */
export function parseQueueScalerTargets(text: string): QueueScalerTarget[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [deployment, min, max, targetPerPod, ...sources] = line.trim().split(/\s+/);
      return { deployment, min: Number(min), max: Number(max), targetPerPod: Number(targetPerPod), sources };
    });
}

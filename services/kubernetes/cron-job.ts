/**
 * The CronJob of a job service (`kind: job`, issue 18): one pod per run on the service's cron
 * schedule and time zone, `concurrencyPolicy` (Forbid by default), a deadline per run and its
 * retries. No Service, autoscaler or disruption budget: nothing routes to it and nothing runs
 * between runs. Finished Jobs are kept a day for their logs, three of each outcome at most.
 */
import { JobSchedule } from '../../config/service-definition';
import { KubernetesObject } from './object';
import { PRODUCT_NAMESPACE, serviceLabels } from './labels';
import { servicePodSpec } from './pod-spec';
import { ServiceWorkload, workloadAnnotations } from './workload-spec';

/** A run that could not start within this long of its time (cluster busy, controller down) is skipped. */
export const STARTING_DEADLINE_SECONDS = 600;
/** Finished Jobs (and their pods' logs) are removed after a day. */
export const FINISHED_JOB_TTL_SECONDS = 86_400;

export function cronJob(workload: ServiceWorkload, schedule: JobSchedule): KubernetesObject {
  const { service } = workload;
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: service.name, namespace: PRODUCT_NAMESPACE, labels: serviceLabels(service.name), ...workloadAnnotations(workload) },
    spec: {
      schedule: schedule.cron,
      ...(schedule.timeZone ? { timeZone: schedule.timeZone } : {}),
      concurrencyPolicy: schedule.concurrencyPolicy,
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: serviceLabels(service.name) },
        spec: {
          activeDeadlineSeconds: schedule.deadlineSeconds,
          backoffLimit: schedule.retries,
          ttlSecondsAfterFinished: FINISHED_JOB_TTL_SECONDS,
          template: {
            metadata: { labels: serviceLabels(service.name) },
            spec: servicePodSpec(workload),
          },
        },
      },
    },
  };
}

/** Alarms of RDS and Aurora instances, which publish the same per-instance metrics. */
import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AlarmTopic } from './alarm-topic';

/** Props of rdsInstanceAlarms. */
export interface RdsInstanceAlarmsProps {
  /** DB instance identifier the metrics are published under. */
  readonly identifier: string;
  /** The engine as descriptions name it: `PostgreSQL`, `Aurora PostgreSQL`. */
  readonly engine: string;
  /** The memory alarm fires when FreeableMemory drops below this. */
  readonly freeableMemoryBytes: number;
}

/** Alarms `<id>-cpu` (CPU above 80%) and `<id>-memory` (FreeableMemory below the floor) of one instance. */
export function rdsInstanceAlarms(scope: Construct, alarms: AlarmTopic, id: string, props: RdsInstanceAlarmsProps): CloudwatchMetricAlarm[] {
  const { identifier, engine, freeableMemoryBytes } = props;
  return [
    alarms.alarm(scope, `${id}-cpu`, {
      alarmName: `${identifier}-cpu`,
      description: `${engine} ${identifier} CPU above 80%.`,
      namespace: 'AWS/RDS',
      metricName: 'CPUUtilization',
      dimensions: { DBInstanceIdentifier: identifier },
      comparison: 'GreaterThanThreshold',
      threshold: 80,
    }),
    alarms.alarm(scope, `${id}-memory`, {
      alarmName: `${identifier}-freeable-memory`,
      description: `${engine} ${identifier} has less than ${freeableMemoryBytes} bytes of freeable memory.`,
      namespace: 'AWS/RDS',
      metricName: 'FreeableMemory',
      dimensions: { DBInstanceIdentifier: identifier },
      comparison: 'LessThanThreshold',
      threshold: freeableMemoryBytes,
    }),
  ];
}

/** Props of rdsReplicaLagAlarm. */
export interface RdsReplicaLagAlarmProps {
  /** DB instance identifier of the replica. */
  readonly identifier: string;
  /** `ReplicaLag` (seconds) on RDS, `AuroraReplicaLag` (milliseconds) on Aurora. */
  readonly metricName: 'ReplicaLag' | 'AuroraReplicaLag';
  /** Lag above which the alarm fires, in the metric's unit. */
  readonly threshold: number;
  /** What the alarm means, in words: which replica is behind what, by how much. */
  readonly description: string;
}

/** Alarm `<id>-lag`, named `<identifier>-replica-lag`: the replica's worst lag is above the threshold. */
export function rdsReplicaLagAlarm(scope: Construct, alarms: AlarmTopic, id: string, props: RdsReplicaLagAlarmProps): CloudwatchMetricAlarm {
  return alarms.alarm(scope, `${id}-lag`, {
    alarmName: `${props.identifier}-replica-lag`,
    description: props.description,
    namespace: 'AWS/RDS',
    metricName: props.metricName,
    dimensions: { DBInstanceIdentifier: props.identifier },
    comparison: 'GreaterThanThreshold',
    threshold: props.threshold,
    statistic: 'Maximum',
  });
}

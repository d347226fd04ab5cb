/** Every readiness item, in checklist order. */
import { ReadinessItem } from '../types';
import { ApplicationIntegrity } from './ApplicationIntegrity';
import { ApplicationSecrets } from './ApplicationSecrets';
import { Dashboard } from './Dashboard';
import { DatabaseFailover } from './DatabaseFailover';
import { DeadLetterQueues } from './DeadLetterQueues';
import { DistributedTracing } from './DistributedTracing';
import { GracefulDegradation } from './GracefulDegradation';
import { LoadBalancerHealthChecks } from './LoadBalancerHealthChecks';
import { OnCallRotation } from './OnCallRotation';
import { PagerRouting } from './PagerRouting';
import { RateLimiting } from './RateLimiting';
import { RedisEviction } from './RedisEviction';
import { ReplicationLagAlarms } from './ReplicationLagAlarms';
import { RestoreTests } from './RestoreTests';
import { Runbooks } from './Runbooks';
import { SearchIndexRotation } from './SearchIndexRotation';
import { SloBurnRateAlarms } from './SloBurnRateAlarms';

export const ALL_ITEMS: readonly ReadinessItem[] = [
  LoadBalancerHealthChecks,
  ReplicationLagAlarms,
  RedisEviction,
  SearchIndexRotation,
  RestoreTests,
  ApplicationIntegrity,
  DeadLetterQueues,
  DatabaseFailover,
  RateLimiting,
  GracefulDegradation,
  ApplicationSecrets,
  DistributedTracing,
  Dashboard,
  SloBurnRateAlarms,
  PagerRouting,
  OnCallRotation,
  Runbooks,
];

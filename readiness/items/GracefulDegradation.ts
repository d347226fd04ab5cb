/** Seed 004's resilience items that live in the application: circuit breakers and graceful degradation. */
import { notInfrastructure, ReadinessItem } from '../types';

export const GracefulDegradation: ReadinessItem = {
  id: 'RDY-16',
  name: 'GracefulDegradation',
  section: 'resilience',
  title: 'Circuit breakers and graceful degradation (cache down, search down)',
  evaluate() {
    return notInfrastructure(
      'test in a staging environment: stop Redis and the API still serves from the database; stop search and browsing falls back to cached categories',
    );
  },
};

/**
 * Seed 004's data-integrity items that live in the application: idempotency keys, reservation
 * sweeps, payment reconciliation, cart-to-order atomicity. No stack can hold them.
 */
import { notInfrastructure, ReadinessItem } from '../types';

export const ApplicationIntegrity: ReadinessItem = {
  id: 'RDY-15',
  name: 'ApplicationIntegrity',
  section: 'data-integrity',
  title: 'Idempotency keys, reservation sweeps, payment reconciliation, atomic orders',
  evaluate() {
    return notInfrastructure(
      'test in the application: a duplicate checkout returns the same order, the reservation sweep runs every 5 minutes, orders reconcile with the payment provider daily, and no partial order survives a failure',
    );
  },
};

/** Seed 004: an on-call rotation with an escalation policy: people, not infrastructure. */
import { notInfrastructure, ReadinessItem } from '../types';

export const OnCallRotation: ReadinessItem = {
  id: 'RDY-13',
  name: 'OnCallRotation',
  section: 'observability',
  title: 'On-call rotation established with an escalation policy',
  evaluate() {
    return notInfrastructure(
      'set up the rotation and its escalation policy in the paging service behind alerts.pagerEndpoint, and test that an alarm reaches the person on call',
    );
  },
};

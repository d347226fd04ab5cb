/** Seed 004: runbooks for the top failure scenarios: generated from the stacks, owned by the team. */
import { notInfrastructure, ReadinessItem } from '../types';

export const Runbooks: ReadinessItem = {
  id: 'RDY-14',
  name: 'Runbooks',
  section: 'observability',
  title: 'Runbooks for the top failure scenarios',
  evaluate(environment) {
    return notInfrastructure(
      `\`stagecraft readiness --env ${environment.name} --runbooks <dir>\` writes them with this environment's alarms and resources; review them, keep them where on-call finds them, and rehearse each once a quarter`,
    );
  },
};

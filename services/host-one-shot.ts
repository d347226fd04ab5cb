/**
 * The settings every one-shot compose service on a host shares (database-users, rabbitmq-users):
 * run once per start of the project, as the unprivileged user, on a read-only root with no
 * capabilities, so the admin secret they read is all they hold.
 */
import { RUN_AS_USER } from './kubernetes/workload-spec';

/** Hardening and restart policy of a one-shot compose service; the services that need it wait for it to complete. */
export const ONE_SHOT_SERVICE = {
  restart: 'no',
  user: `${RUN_AS_USER}:${RUN_AS_USER}`,
  read_only: true,
  cap_drop: ['ALL'],
  security_opt: ['no-new-privileges:true'],
  tmpfs: ['/tmp:size=16m'],
} as const;

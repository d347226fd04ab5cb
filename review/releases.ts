/**
 * Releases on single-host stages (docs/releases.md): a host stage's compose file is an S3 object,
 * and a change to it is what a reviewer wants to read as "api: ghcr.io/acme/api:1.14.2 → 1.15.0",
 * not as a line diff of a long string. This reads the release's compose file before and after
 * from each change of the object, and lists per service the image that changed, appeared or went.
 */
import { parse } from 'yaml';
import { fromTerraformLiteral } from '../synthesis/terraform-literal';
import { RELEASE_COMPOSE_FILE, RELEASE_PREFIX } from '../services/host-release';
import { KNOWN_AFTER_APPLY, MASKED } from './values';
import { ImageChange, ReleaseEntry, ResourceChange } from './types';

/** The key of a release's compose file in its bucket. */
export const RELEASE_COMPOSE_KEY = `${RELEASE_PREFIX}/${RELEASE_COMPOSE_FILE}`;

/** Service → image of a compose file's text as synthesized (Terraform-escaped); undefined when it is not readable. */
export function composeImages(content: unknown): Map<string, string> | undefined {
  if (typeof content !== 'string' || content === MASKED || content === KNOWN_AFTER_APPLY) return undefined;
  let document: unknown;
  try {
    document = parse(fromTerraformLiteral(content));
  } catch {
    return undefined;
  }
  const services = (document as { services?: unknown } | null)?.services;
  if (services === null || typeof services !== 'object') return undefined;
  const images = new Map<string, string>();
  for (const [name, service] of Object.entries(services as Record<string, unknown>)) {
    const image = (service as { image?: unknown } | null)?.image;
    if (typeof image === 'string') images.set(name, image);
  }
  return images;
}

/** `ghcr.io/acme/api:1.14.2` → `{ repository: ghcr.io/acme/api, tag: 1.14.2 }` (a digest counts as the tag). */
function splitImage(image: string): { repository: string; tag: string } {
  const digest = image.indexOf('@');
  if (digest >= 0) return { repository: image.slice(0, digest), tag: image.slice(digest) };
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? { repository: image.slice(0, colon), tag: image.slice(colon + 1) } : { repository: image, tag: '' };
}

/** `api: ghcr.io/acme/api:1.14.2 → 1.15.0`; the whole image after when the repository changes; `added`, `removed`. */
export function imageChangeText(change: ImageChange): string {
  if (change.before === undefined) return `${change.service}: added, ${change.after}`;
  if (change.after === undefined) return `${change.service}: removed, was ${change.before}`;
  const before = splitImage(change.before);
  const after = splitImage(change.after);
  const shown = before.repository === after.repository && after.tag !== '' ? after.tag.replace(/^@/, '') : change.after;
  return `${change.service}: ${change.before} → ${shown}`;
}

/** The image changes between two compose files, by service name. */
function imageChanges(before: Map<string, string>, after: Map<string, string>): ImageChange[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names
    .filter((name) => before.get(name) !== after.get(name))
    .map((service) => ({
      service,
      ...(before.has(service) ? { before: before.get(service) } : {}),
      ...(after.has(service) ? { after: after.get(service) } : {}),
    }));
}

/** Every release whose compose file changes: updated objects, and a release created or deleted with its stack's hosts. */
export function releaseEntries(changes: readonly ResourceChange[]): ReleaseEntry[] {
  const entries: ReleaseEntry[] = [];
  for (const change of changes) {
    if (change.type !== 'aws_s3_object') continue;
    const key = change.after?.get('key') ?? change.before?.get('key');
    if (key !== RELEASE_COMPOSE_KEY) continue;
    const before = change.before ? composeImages(change.before.get('content')) : new Map<string, string>();
    const after = change.after ? composeImages(change.after.get('content')) : new Map<string, string>();
    if (before === undefined || after === undefined) {
      entries.push({
        stack: change.stack,
        address: change.address,
        images: [],
        note: 'the compose file is not readable here (masked or known only after apply)',
      });
      continue;
    }
    const images = imageChanges(before, after);
    if (images.length > 0 || change.action !== 'create') entries.push({ stack: change.stack, address: change.address, images });
  }
  return entries;
}

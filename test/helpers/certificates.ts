/** Test helpers: throwaway P-256 certificates made with Debian's openssl, valid for two days. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const OPENSSL = '/usr/bin/openssl';

const openssl = (...args: string[]) => execFileSync(OPENSSL, args, { stdio: 'pipe' });

/** Options of `selfSignedCertificate`. */
export interface SelfSignedOptions {
  /** A CA (may sign others) or a leaf. */
  readonly ca: boolean;
  /** Subject alternative names in openssl's form, e.g. `IP:127.0.0.1` for a server on loopback. @default none */
  readonly subjectAltNames?: readonly string[];
}

/** A self-signed certificate named `name` in `dir`: a CA (may sign others) or a leaf. Returns the PEM file paths. */
export function selfSignedCertificate(dir: string, name: string, options: SelfSignedOptions): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  const usage = options.ca ? ['-addext', 'keyUsage=critical,keyCertSign'] : [];
  const names = options.subjectAltNames ?? [];
  const alternativeNames = names.length > 0 ? ['-addext', `subjectAltName=${names.join(',')}`] : [];
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    `basicConstraints=critical,CA:${options.ca ? 'TRUE' : 'FALSE'}`,
    ...usage,
    ...alternativeNames,
    '-keyout',
    key,
    '-out',
    cert,
  );
  return { cert, key };
}

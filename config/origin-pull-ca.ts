/**
 * `edge.originPullCa`: the CA that signed the zone's authenticated-origin-pull client
 * certificate (docs/origin-trust.md). It is public, so it may sit in the environment file; the
 * client certificate's private key never does (it goes to Cloudflare only). The hosts' proxy and
 * the ALB's mTLS trust store accept only client certificates this CA signed.
 */
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/;

/** Why `pem` is not a usable origin-pull CA, or undefined when it is. */
export function originPullCaProblem(pem: string): string | undefined {
  if (/PRIVATE KEY/.test(pem)) return 'contains a private key; give only the CA certificate (the key never goes in a file Stagecraft reads)';
  const text = pem.trim() + '\n';
  if (!PEM_CERTIFICATE.test(text)) return 'is not one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)';
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(text);
  } catch {
    return 'is not a readable X.509 certificate';
  }
  if (!certificate.ca) return `is not a CA certificate (basicConstraints CA:TRUE); received the certificate of "${certificate.subject}"`;
  if (Date.parse(certificate.validTo) <= Date.now()) return `expired on ${certificate.validTo}; create a new one (docs/origin-trust.md)`;
  return undefined;
}

/** The PEM as the hosts and the trust store receive it: trimmed, one trailing newline. */
export function normalizedPem(pem: string): string {
  return pem.replace(/\r\n/g, '\n').trim() + '\n';
}

/**
 * `edge.originPullCa`: the CA (or, while rotating, the CAs) that signed the zone's
 * authenticated-origin-pull client certificate (docs/origin-trust.md). It is public, so it may sit
 * in the environment file; the client certificate's private key never does (it goes to Cloudflare
 * only). The hosts' proxy and the ALB's mTLS trust store accept only client certificates these
 * CAs signed.
 */
import { X509Certificate } from 'node:crypto';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+?-----END CERTIFICATE-----\n?/g;

/** Why `pem` is not a usable origin-pull CA bundle, or undefined when it is. */
export function originPullCaProblem(pem: string): string | undefined {
  if (/PRIVATE KEY/.test(pem)) return 'contains a private key; give only the CA certificate (the key never goes in a file Stagecraft reads)';
  const text = normalizedPem(pem);
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0 || blocks.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) {
    return 'is not PEM certificates only (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----, one or two while rotating)';
  }
  for (const block of blocks) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch {
      return 'is not a readable X.509 certificate';
    }
    if (!certificate.ca) return `is not a CA certificate (basicConstraints CA:TRUE); received the certificate of "${certificate.subject}"`;
    if (Date.parse(certificate.validTo) <= Date.now()) return `expired on ${certificate.validTo}; create a new CA (docs/origin-trust.md)`;
  }
  return undefined;
}

/** The PEM as the hosts and the trust store receive it: LF line ends, trimmed, one trailing newline. */
export function normalizedPem(pem: string): string {
  return pem.replace(/\r\n/g, '\n').trim() + '\n';
}

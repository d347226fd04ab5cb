/** IPv4 CIDR arithmetic: enough to validate ranges and carve subnets without Terraform functions. */

export interface Ipv4Block {
  /** First address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when malformed or when host bits are set. */
export function parseCidr(cidr: string): Ipv4Block | undefined {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) return undefined;
  // A leading zero (`010`) is octal to some tools and refused by AWS: only canonical decimal octets.
  if (match.slice(1, 6).some((part) => part.length > 1 && part.startsWith('0'))) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) return undefined;
  return { base: address, prefixLength };
}

export function formatCidr(block: Ipv4Block): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(block.base / 2 ** shift) % 256);
  return `${octets.join('.')}/${block.prefixLength}`;
}

export function blockSize(block: Ipv4Block): number {
  return 2 ** (32 - block.prefixLength);
}

export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.base < b.base + blockSize(b) && b.base < a.base + blockSize(a);
}

/** The `index`-th sub-block of `newPrefixLength` inside `parent` (Terraform's cidrsubnet). */
export function subdivide(parent: Ipv4Block, newPrefixLength: number, index: number): Ipv4Block {
  const count = 2 ** (newPrefixLength - parent.prefixLength);
  if (newPrefixLength < parent.prefixLength || index < 0 || index >= count) {
    throw new RangeError(`cannot take block ${index} of /${newPrefixLength} from ${formatCidr(parent)}`);
  }
  return { base: parent.base + index * 2 ** (32 - newPrefixLength), prefixLength: newPrefixLength };
}

/**
 * Ranges that are never a public source address (RFC 1918, shared address space RFC 6598,
 * loopback, link-local): the EKS public endpoint refuses them in its allowed CIDRs.
 */
export const PRIVATE_RANGES: readonly Ipv4Block[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'].map(
  (cidr) => parseCidr(cidr)!,
);

// ALLOWED_SOURCE_IPS: optional defence in depth in front of the signature, using Node's own BlockList.
import { BlockList, isIP } from 'node:net';

export interface SourceAllowlist {
  allows(sourceIp: string | undefined): boolean;
}

/** Parses comma-separated IPv4/IPv6 addresses and CIDR ranges; throws on the first entry that is neither. */
export function parseSourceAllowlist(spec: string): SourceAllowlist {
  const list = new BlockList();
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // An empty list would refuse every request: a typo, not a policy.
  if (entries.length === 0) throw new Error('ALLOWED_SOURCE_IPS: names no IP address or CIDR range');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    // Decimal digits only: Number() would also take '0x8', '8e0' or ' 8'.
    const validPrefix =
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (family === 0 || extra !== undefined || !validPrefix) {
      throw new Error(`ALLOWED_SOURCE_IPS: "${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    allows(sourceIp) {
      const family = sourceIp === undefined ? 0 : isIP(sourceIp);
      return family !== 0 && list.check(sourceIp as string, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

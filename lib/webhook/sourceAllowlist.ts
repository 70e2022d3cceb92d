// ALLOWED_SOURCE_IPS: optional defence in depth in front of the signature, using Node's own BlockList.
import { BlockList, isIP } from 'node:net';

export interface SourceAllowlist {
  allows(sourceIp: string | undefined): boolean;
}

/** Parses comma-separated IPv4/IPv6 addresses and CIDR ranges; throws on the first entry that is neither. */
export function parseSourceAllowlist(spec: string): SourceAllowlist {
  const list = new BlockList();
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits)) ||
      prefix === ''
    ) {
      throw new Error(`ALLOWED_SOURCE_IPS: "${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return {
    allows(sourceIp) {
      const family = sourceIp === undefined ? 0 : isIP(sourceIp);
      return family !== 0 && list.check(sourceIp as string, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

import { describe, expect, it } from 'vitest';
import { parseSourceAllowlist } from '../../../lib/webhook/sourceAllowlist';

describe('parseSourceAllowlist', () => {
  describe("Retell's published address alone", () => {
    const allowlist = parseSourceAllowlist('100.20.5.228');

    it.each(['100.20.5.228', '::ffff:100.20.5.228'])('allows %s', (ip) => {
      expect(allowlist.allows(ip)).toBe(true);
    });

    it.each([
      ['a neighbour', '100.20.5.229'],
      ['loopback', '127.0.0.1'],
      ['an IPv6 address', '2001:db8::1'],
      ['an address with a port', '100.20.5.228:443'],
      ['a hostname', 'api.retellai.com'],
      ['an empty string', ''],
    ])('refuses %s', (_name, ip) => {
      expect(allowlist.allows(ip)).toBe(false);
    });

    it('refuses a request with no source address', () => {
      expect(allowlist.allows(undefined)).toBe(false);
    });
  });

  describe('a mixed list of addresses and CIDR ranges', () => {
    const allowlist = parseSourceAllowlist(' 100.20.5.228 , 10.1.0.0/16,2001:db8::/32, ::1 ,,');

    it.each(['100.20.5.228', '10.1.0.0', '10.1.255.255', '2001:db8::1', '2001:db8:ffff::abcd', '::1'])(
      'allows %s',
      (ip) => {
        expect(allowlist.allows(ip)).toBe(true);
      },
    );

    it.each(['10.2.0.1', '10.0.255.255', '2001:db9::1', '::2', '100.20.5.227'])('refuses %s', (ip) => {
      expect(allowlist.allows(ip)).toBe(false);
    });
  });

  it('treats /32 and /128 as single addresses and /0 as everything of one family', () => {
    expect(parseSourceAllowlist('100.20.5.228/32').allows('100.20.5.228')).toBe(true);
    expect(parseSourceAllowlist('100.20.5.228/32').allows('100.20.5.229')).toBe(false);
    expect(parseSourceAllowlist('::1/128').allows('::1')).toBe(true);
    const anyV4 = parseSourceAllowlist('0.0.0.0/0');
    expect(anyV4.allows('203.0.113.9')).toBe(true);
    expect(anyV4.allows('2001:db8::1')).toBe(false);
  });

  it.each([
    ['a hostname', 'api.retellai.com'],
    ['a partial address', '100.20.5'],
    ['an out-of-range octet', '100.20.5.256'],
    ['a prefix too long for IPv4', '10.0.0.0/33'],
    ['a prefix too long for IPv6', '2001:db8::/129'],
    ['an empty prefix', '10.0.0.0/'],
    ['a negative prefix', '10.0.0.0/-1'],
    ['a fractional prefix', '10.0.0.0/8.5'],
    ['a hexadecimal prefix', '10.0.0.0/0x8'],
    ['an exponent prefix', '10.0.0.0/8e0'],
    ['a prefix with a space', '10.0.0.0/ 8'],
    ['two prefixes', '10.0.0.0/8/8'],
    ['a range', '10.0.0.1-10.0.0.9'],
    ['a wildcard', '*'],
    ['one bad entry among good ones', '100.20.5.228, nope'],
  ])('throws on %s, naming the variable and the entry', (_name, spec) => {
    expect(() => parseSourceAllowlist(spec)).toThrow(/^ALLOWED_SOURCE_IPS: ".+" is not an IP address or CIDR range$/);
  });

  it.each(['', ' ', ',', ' , ,'])('throws on a list with no entry (%j), which would refuse every request', (spec) => {
    expect(() => parseSourceAllowlist(spec)).toThrow('ALLOWED_SOURCE_IPS: names no IP address or CIDR range');
  });
});

import { describe, expect, it } from 'vitest';
import { rateKeyOfAddress } from './client-ip.js';

describe('rateKeyOfAddress', () => {
  it('keeps IPv4 (also IPv4-mapped or with a port), counts IPv6 per /64, and pools what it cannot read', () => {
    expect(rateKeyOfAddress('203.0.113.9')).toBe('203.0.113.9');
    expect(rateKeyOfAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(rateKeyOfAddress('203.0.113.9:5678')).toBe('203.0.113.9');
    expect(rateKeyOfAddress('2001:db8:a:b:c:d:e:f')).toBe('2001:db8:a:b::/64');
    expect(rateKeyOfAddress('2001:db8:a:b::99')).toBe(
      rateKeyOfAddress('2001:0db8:000a:000b:1:2:3:4'),
    );
    expect(rateKeyOfAddress('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    expect(rateKeyOfAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateKeyOfAddress('not an address')).toBe('unknown');
    expect(rateKeyOfAddress(undefined)).toBe('unknown');
  });
});

// LICENSE is the Apache License 2.0 word for word, with the project's copyright line, and package.json says so.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);
/** SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt, as Debian ships it in /usr/share/common-licenses. */
const APACHE_2_0_SHA256 = 'cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30';
const COPYRIGHT = '   Copyright 2026 The retell-router authors';

describe('LICENSE', () => {
  const text = readFileSync(new URL('LICENSE', ROOT), 'utf8');

  it("is Apache-2.0's published text, its appendix's copyright line filled in", () => {
    expect(text.split('\n').filter((line) => line === COPYRIGHT)).toHaveLength(1);
    const published = text.replace(COPYRIGHT, '   Copyright [yyyy] [name of copyright owner]');
    expect(createHash('sha256').update(published).digest('hex')).toBe(APACHE_2_0_SHA256);
  });

  it('is the license package.json declares', () => {
    expect(JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')).license).toBe('Apache-2.0');
  });
});

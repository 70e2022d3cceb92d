import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { RequestError } from '../../../lib/webhook/errors';

describe('RequestError', () => {
  it('is logged under its own name, with its message and the status it answers with', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (_level, line) => lines.push(line));
    const error = new RequestError('payload_too_large', 'request body is over 65536 bytes');
    logger.error('refused', { error });
    expect(error.status).toBe(413);
    expect(JSON.parse(lines[0] ?? 'null')).toMatchObject({
      error: { name: 'RequestError', message: 'request body is over 65536 bytes' },
    });
  });
});

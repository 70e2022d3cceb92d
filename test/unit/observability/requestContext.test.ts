import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { contextFields } from '../../../lib/observability/requestContext';

describe('contextFields', () => {
  it("puts the request's id, function name and cold start on its log lines, under the decision line's names", () => {
    const lines: string[] = [];
    const root = createLogger('info', (_level, line) => lines.push(line));
    const logger = root.child(contextFields({ requestId: 'req-7', functionName: 'InboundWebhook', coldStart: true }));

    logger.warn('cache table read failed; asking Retell', { phoneNumber: '+14155550100' });
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      message: 'cache table read failed; asking Retell',
      request_id: 'req-7',
      function_name: 'InboundWebhook',
      cold_start: true,
      phoneNumber: '+14155550100',
    });
  });
});

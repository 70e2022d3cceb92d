// A burst on a cold container: 1,000 concurrent signed calls over 100 numbers share one Retell fetch per number.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness';

const NUMBERS = Array.from({ length: 100 }, (_, i) => `+1415555${String(1000 + i)}`);
const CONFIGS = NUMBERS.map((phone_number, i) => ({
  phone_number,
  phone_number_type: 'retell-twilio',
  last_modification_timestamp: 1_780_000_000_000,
  inbound_agents: [{ agent_id: `agent_${i}`, weight: 1 }],
}));

let harness: Harness;
beforeAll(async () => {
  // The test is about fetch counts and answers, not time: a generous budget keeps a busy machine from failing it open.
  harness = await startHarness({ configs: CONFIGS, env: { RESPONSE_BUDGET_MS: '9000' } });
});
afterAll(() => harness.close());

it('answers 1,000 concurrent calls correctly with at most one Retell fetch per number', async () => {
  const calls = Array.from({ length: 1000 }, (_, i) => ({
    index: i % NUMBERS.length,
    to: NUMBERS[i % NUMBERS.length],
  }));
  const responses = await Promise.all(
    calls.map(({ to }) => harness.send('call_inbound', '+12137771234', to as string)),
  );

  responses.forEach((response, i) => {
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ call_inbound: { override_agent_id: `agent_${calls[i]?.index}` } });
  });
  const fetches = harness.retell.totalRequests();
  console.info(`1,000 concurrent calls over 100 numbers: ${fetches} Retell fetches`);
  expect(fetches).toBeLessThanOrEqual(NUMBERS.length);
  expect([...harness.retell.requests.values()].every((count) => count === 1)).toBe(true);
});

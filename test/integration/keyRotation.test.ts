// Key rotation end to end: the real app reads its key from a Secrets Manager stand-in (through the SDK's standard
// AWS_ENDPOINT_URL_SECRETS_MANAGER), the key goes A → B → C in the secret and at Retell, and every webhook is checked.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionUrlEvent } from '../../infra/local/functionUrlEvent';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../infra/local/secretsManagerStandIn';
import { type Harness, startHarness } from '../support/harness';
import { sign } from '../support/signing';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/api-key-AbCdEf';
const [KEY_A, KEY_B, KEY_C, KEY_X] = ['key_rotation_a', 'key_rotation_b', 'key_rotation_c', 'key_never_issued'];
const ROUTED_NUMBER = '+14155550100';
const REFRESH_S = 300;
const GRACE_S = 3_600;

describe('rotating the Retell API key', () => {
  const clock = { now: Date.now() };
  let secrets: SecretsManagerStandIn;
  let harness: Harness;

  beforeAll(async () => {
    secrets = await startSecretsManagerStandIn({ [ARN]: KEY_A });
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secrets.endpoint);
    harness = await startHarness({
      clock: () => clock.now,
      env: {
        RETELL_API_KEY: '',
        RETELL_API_KEY_SECRET_ARN: ARN,
        API_KEY_REFRESH_SECONDS: String(REFRESH_S),
        API_KEY_GRACE_SECONDS: String(GRACE_S),
        // Every webhook looks the number up again, so each one shows which key Retell's API got.
        MEMORY_CACHE_SECONDS: '0',
        CONFIG_TTL_SECONDS: '0',
      },
    });
    harness.retell.setApiKey(KEY_A);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await harness.close();
    await secrets.close();
  });

  /** Posts a routed call signed with `key` at the clock's time; the answer's status and override agent. */
  async function webhook(key: string): Promise<{ status: number; agent: string | undefined }> {
    const body = JSON.stringify({
      event: 'call_inbound',
      call_inbound: { from_number: '+12125550142', to_number: ROUTED_NUMBER },
    });
    const response = await harness.handler(
      functionUrlEvent({ body, headers: { 'x-retell-signature': await sign(body, clock.now, key) } }),
    );
    const answer = JSON.parse(response.body) as { call_inbound?: { override_agent_id?: string } };
    return { status: response.statusCode, agent: answer.call_inbound?.override_agent_id };
  }

  const rotateTo = (key: string) => {
    secrets.setSecret(ARN, key);
    harness.retell.setApiKey(key);
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('reads the secret once at start and routes webhooks signed with it', async () => {
    expect(secrets.reads(ARN)).toBe(1);
    expect(await webhook(KEY_A)).toMatchObject({ status: 200, agent: expect.any(String) });
  });

  it('after A → B, verifies a B-signed webhook by re-reading at once, and asks Retell with B', async () => {
    rotateTo(KEY_B);
    const requestsBefore = harness.retell.totalRequests();
    expect(await webhook(KEY_B)).toMatchObject({ status: 200, agent: expect.any(String) });
    expect(secrets.reads(ARN)).toBe(2);
    // The routed answer needed Retell's API, which now takes only B.
    expect(harness.retell.totalRequests()).toBe(requestsBefore + 1);
  });

  it("still accepts Retell's retries of webhooks signed with A during the grace period", async () => {
    expect(await webhook(KEY_A)).toMatchObject({ status: 200 });
    expect(secrets.reads(ARN)).toBe(2);
  });

  it('refuses a key that was never issued, without another read within 30 s', async () => {
    for (let i = 0; i < 10; i++) expect((await webhook(KEY_X)).status).toBe(401);
    expect(secrets.reads(ARN)).toBe(2);
  });

  it('after B → C, keeps B (the previous key) and drops A', async () => {
    clock.now += 30_000;
    rotateTo(KEY_C);
    expect((await webhook(KEY_C)).status).toBe(200);
    expect(secrets.reads(ARN)).toBe(3);
    expect((await webhook(KEY_B)).status).toBe(200);
    expect((await webhook(KEY_A)).status).toBe(401);
  });

  it('holds garbage signatures to at most two reads a minute', async () => {
    const before = secrets.reads(ARN);
    for (let second = 0; second < 60; second++) {
      clock.now += 1_000;
      expect((await webhook(KEY_X)).status).toBe(401);
    }
    expect(secrets.reads(ARN) - before).toBeLessThanOrEqual(2);
  });

  it('re-reads in the background every refresh period, without holding the request', async () => {
    const before = secrets.reads(ARN);
    clock.now += REFRESH_S * 1000;
    expect((await webhook(KEY_C)).status).toBe(200);
    await settle();
    expect(secrets.reads(ARN)).toBe(before + 1);
  });

  it('refuses the previous key once the grace period is over', async () => {
    clock.now += GRACE_S * 1000;
    expect((await webhook(KEY_C)).status).toBe(200);
    expect((await webhook(KEY_B)).status).toBe(401);
  });

  it('keeps routing with the key it has while Secrets Manager fails', async () => {
    secrets.setFault('error');
    clock.now += REFRESH_S * 1000;
    expect((await webhook(KEY_C)).status).toBe(200);
    await settle();
    expect((await webhook(KEY_C)).status).toBe(200);
    // The failed read is a background refresh: waited for, as two webhooks need not outlast it on a busy machine.
    await vi.waitFor(() => {
      expect(harness.logs.some((line) => line.message.startsWith('cannot re-read the Retell API key'))).toBe(true);
    });
    secrets.setFault(undefined);
    expect(JSON.stringify(harness.logs)).not.toMatch(/key_rotation_|key_never_issued/);
  });
});

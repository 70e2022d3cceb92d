// Fuzzing the webhook with arbitrary bodies, headers and signatures: never a throw, never a 5xx, and no cache read or
// Retell call unless the signature is valid.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { ConfigStore } from '../../lib/config/configStore';
import { ConfigTable } from '../../lib/config/configTable';
import { MemoryTier } from '../../lib/config/memoryTier';
import { createLogger } from '../../lib/logger';
import { DecisionRecorder } from '../../lib/observability/decisionRecord';
import { staticApiKey } from '../../lib/retell/apiKey';
import type { PhoneNumberSource } from '../../lib/retell/phoneNumberClient';
import { createRandomSource } from '../../lib/routing/random';
import { createInboundWebhook, type HttpRequest } from '../../lib/webhook/inboundWebhook';
import { MAX_BODY_BYTES } from '../../lib/webhook/rawBody';
import { createSignatureVerifier } from '../../lib/webhook/signature';
import { sign, TEST_API_KEY } from '../support/signing';

const NOW = 1_780_000_000_000;
const RUNS = 3_000;

const dynamodb = mockClient(DynamoDBClient);
afterEach(() => dynamodb.reset());

function createTarget() {
  dynamodb.on(GetItemCommand).resolves({}).on(PutItemCommand).resolves({});
  let fetches = 0;
  const upstream: PhoneNumberSource = {
    async getPhoneNumber(phone_number) {
      fetches += 1;
      return { phone_number, phone_number_type: 'custom', last_modification_timestamp: 1 };
    },
  };
  const clock = () => NOW;
  const lines: Record<string, unknown>[] = [];
  const webhook = createInboundWebhook({
    verifier: createSignatureVerifier(staticApiKey(TEST_API_KEY)),
    configStore: new ConfigStore({
      memory: new MemoryTier(100),
      table: new ConfigTable(new DynamoDBClient({}), 'table'),
      upstream,
      logger: createLogger('error', () => {}),
      clock,
      memoryCacheMs: 0,
      configTtlMs: 0,
      staleIfErrorMs: 0,
      negativeCacheMs: 0,
      tableTimeoutMs: 100,
    }),
    random: createRandomSource(1),
    assignment: { mode: 'random', salt: '' },
    logger: createLogger('error', (_level, line) => lines.push(JSON.parse(line))),
    decisions: new DecisionRecorder('RetellRouter'),
    responseBudgetMs: 500,
    clock,
  });
  const lookups = () => fetches + dynamodb.commandCalls(GetItemCommand).length;
  return { webhook, lookups, lines };
}

const number = fc.oneof(
  fc.constantFrom('+14155550100', '+12137771234', '+442071838750', '4155550100', '+0123', '', 'anonymous'),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constant(1e308),
  fc.constant(null),
);
const contact = fc.dictionary(
  fc.constantFrom('from_number', 'to_number', 'agent_id', '__proto__', 'constructor', 'custom_sip_headers'),
  number,
);
const eventBody = fc
  .record({
    event: fc.constantFrom('call_inbound', 'chat_inbound', 'call_ended', '__proto__', ''),
    kind: fc.constantFrom('call_inbound', 'chat_inbound', '__proto__', 'constructor'),
    contact,
    extra: fc.jsonValue(),
  })
  .map(({ event, kind, contact, extra }) => JSON.stringify({ event, [kind]: contact, extra }));
const validEvent = fc
  .record({
    kind: fc.constantFrom('call_inbound', 'chat_inbound'),
    from: fc.oneof(fc.constantFrom('+12137771234', '+14165550123', 'anonymous'), fc.string({ minLength: 1 })),
    to: fc.constantFrom('+14155550100', '+442071838750', '+61291234567'),
    extra: fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'agent_id', 'custom_sip_headers'), fc.jsonValue()),
  })
  .map(({ kind, from, to, extra }) =>
    JSON.stringify({ event: kind, [kind]: { ...extra, from_number: from, to_number: to } }),
  );
const body = fc.oneof(
  { arbitrary: validEvent, weight: 4 },
  eventBody,
  eventBody.map((text) => text.slice(0, Math.max(0, text.length - 3))),
  fc.json(),
  fc.string({ unit: 'binary' }),
  fc.constant(''),
  fc.constant(`{"event":"call_inbound","pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`),
);
const signatureMode = fc.constantFrom(
  'valid',
  'tampered',
  'wrong-key',
  'stale',
  'future',
  'random',
  'absent',
  'padded',
);
const headerName = fc.constantFrom('x-retell-signature', 'X-Retell-Signature', 'X-RETELL-SIGNATURE');

async function signatureFor(mode: string, text: string, random: string): Promise<string | undefined> {
  switch (mode) {
    case 'valid':
      return sign(text, NOW);
    case 'tampered':
      return sign(`${text} `, NOW);
    case 'wrong-key':
      return sign(text, NOW, 'another-key');
    case 'stale':
      return sign(text, NOW - 5 * 60 * 1000 - 1);
    case 'future':
      return sign(text, NOW + 10 * 365 * 24 * 3600 * 1000);
    case 'padded':
      return ` ${await sign(text, NOW)}`;
    case 'absent':
      return undefined;
    default:
      return random;
  }
}

it(`answers ${RUNS} hostile requests with a 4xx or a decision, looking up nothing unless signed`, async () => {
  const { webhook, lookups, lines } = createTarget();
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(
      body,
      fc.boolean(),
      signatureMode,
      headerName,
      fc.string(),
      fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'post', 'GET', 'PUT'),
      async (text, base64, mode, name, randomSignature, method) => {
        const signature = await signatureFor(mode, text, randomSignature);
        const request: HttpRequest = {
          method,
          headers: signature === undefined ? {} : { [name]: signature },
          body: base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
          isBase64Encoded: base64,
          sourceIp: '100.20.5.228',
        };
        const before = lookups();
        lines.length = 0;
        const response = await webhook(request, { requestId: 'req-hostile', functionName: 'fn', coldStart: false });
        // Whatever came in, one decision line went out, with the status it was answered with.
        expect(lines.filter((line) => line.message === 'decision')).toMatchObject([
          { request_id: 'req-hostile', status_code: response.statusCode },
        ]);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode === 200 || (response.statusCode >= 400 && response.statusCode < 500)).toBe(true);
        expect(() => JSON.parse(response.body)).not.toThrow();
        expect(response.body).not.toMatch(/\n\s+at /);
        if (mode !== 'valid') {
          expect(response.statusCode).not.toBe(200);
          expect(lookups()).toBe(before);
        }
        if (response.statusCode !== 200) expect(lookups()).toBe(before);
        expect(Object.prototype).not.toHaveProperty('from_number');
      },
    ),
    { numRuns: RUNS },
  );
  console.info(`fuzz: ${RUNS} cases, answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
  // The generators must reach every stage, routed answers included, or the property proves little.
  for (const status of [200, 400, 401, 405, 413]) expect(statuses.get(status)).toBeGreaterThan(0);
});

import {
  type AttributeValue,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MalformedPolicyError,
  type PolicyItem,
  PolicyReader,
  PolicyTableError,
  policyItem,
  readPolicy,
} from '../../../lib/config/policyReader';

const TABLE = 'policies';
const NUMBER = '+14155550110';
const UPDATED_AT = 1_790_000_000_123;

const ddb = mockClient(DynamoDBClient);
const reader = new PolicyReader(new DynamoDBClient({}), TABLE);
const signal = () => new AbortController().signal;

afterEach(() => {
  ddb.reset();
});

const DOCUMENT = { phone_number: NUMBER, version: 3, blocked_callers: ['+1900*'] };

const ITEM: Record<string, AttributeValue> = {
  phone_number: { S: NUMBER },
  version: { N: '3' },
  policy: { S: JSON.stringify(DOCUMENT) },
  updated_at: { N: String(UPDATED_AT) },
};

const MALFORMED = `policy item ${NUMBER} is malformed: missing or invalid version, updated_at or policy`;

describe('PolicyReader.get', () => {
  it("reads the number's item and answers its attributes, the document left as text", async () => {
    ddb.on(GetItemCommand).resolves({ Item: ITEM });

    await expect(reader.get(NUMBER, signal())).resolves.toEqual({
      phoneNumber: NUMBER,
      version: 3,
      updatedAt: UPDATED_AT,
      text: JSON.stringify(DOCUMENT),
    });
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      TableName: TABLE,
      Key: { phone_number: { S: NUMBER } },
    });
  });

  it('answers undefined for a number without a policy', async () => {
    ddb.on(GetItemCommand).resolves({});

    await expect(reader.get(NUMBER, signal())).resolves.toBeUndefined();
  });

  it('refuses an item whose attributes do not check out', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { ...ITEM, version: { N: '0' } } });

    const read = reader.get(NUMBER, signal());

    await expect(read).rejects.toBeInstanceOf(MalformedPolicyError);
    await expect(read).rejects.toMatchObject({ name: 'MalformedPolicyError', message: MALFORMED });
  });

  it('wraps a failed read in a PolicyTableError naming the number and the table, with the cause', async () => {
    const failure = new DynamoDBServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: {} });
    ddb.on(GetItemCommand).rejects(failure);

    const read = reader.get(NUMBER, signal());

    await expect(read).rejects.not.toBeInstanceOf(MalformedPolicyError);
    await expect(read).rejects.toMatchObject({
      name: 'PolicyTableError',
      message: `GetItem ${NUMBER} from ${TABLE} failed`,
      cause: failure,
    });
  });

  it('fails once the signal aborts, even while the SDK has not answered', async () => {
    ddb.on(GetItemCommand).callsFake(() => new Promise(() => {}));
    const controller = new AbortController();

    const read = reader.get(NUMBER, controller.signal);
    controller.abort(new DOMException('too slow', 'TimeoutError'));

    await expect(read).rejects.toBeInstanceOf(PolicyTableError);
    await expect(read).rejects.toMatchObject({ cause: { name: 'TimeoutError' } });
  });
});

describe('policyItem', () => {
  it('accepts version 1, the first', () => {
    expect(policyItem(NUMBER, { ...ITEM, version: { N: '1' } })).toMatchObject({ version: 1 });
  });

  it.each<[string, Record<string, AttributeValue>]>([
    ['without a version', { ...ITEM, version: undefined as never }],
    ['with a version in a string attribute', { ...ITEM, version: { S: '3' } }],
    ['with version 0', { ...ITEM, version: { N: '0' } }],
    ['with a negative version', { ...ITEM, version: { N: '-2' } }],
    ['with a fractional version', { ...ITEM, version: { N: '2.5' } }],
    ['with a version past 2^53', { ...ITEM, version: { N: '9007199254740993' } }],
    ['without updated_at', { ...ITEM, updated_at: undefined as never }],
    ['with updated_at not a number', { ...ITEM, updated_at: { S: 'yesterday' } }],
    ['without its document', { ...ITEM, policy: undefined as never }],
    ['with its document not a string', { ...ITEM, policy: { N: '3' } }],
  ])('refuses an item %s', (_name, item) => {
    expect(() => policyItem(NUMBER, item)).toThrow(new MalformedPolicyError(MALFORMED));
    expect(() => policyItem(NUMBER, item)).toThrow(MalformedPolicyError);
  });
});

describe('readPolicy', () => {
  const item = (document: unknown, version = 3): PolicyItem => ({
    phoneNumber: NUMBER,
    version,
    updatedAt: UPDATED_AT,
    text: typeof document === 'string' ? document : JSON.stringify(document),
  });

  it('answers the validated document of the number and version of its item, with its defaults', () => {
    expect(readPolicy(item(DOCUMENT))).toEqual({ ...DOCUMENT, applies_to: ['call_inbound', 'chat_inbound'] });
  });

  it.each([
    ['text that is not JSON', '{"phone_number":', 'not valid JSON'],
    [
      'a document the schema refuses, naming the field',
      { ...DOCUMENT, blocked_caller: ['+1900*'] },
      'blocked_caller: unknown field: did you mean blocked_callers?',
    ],
    [
      'the document of another number',
      { ...DOCUMENT, phone_number: '+14155550999' },
      'its document is of +14155550999',
    ],
    ['a document of another version', { ...DOCUMENT, version: 4 }, 'its document says version 4, the item 3'],
  ])('refuses %s', (_name, document, reason) => {
    const read = () => readPolicy(item(document));

    expect(read).toThrow(MalformedPolicyError);
    expect(read).toThrow(`policy item ${NUMBER} is malformed: ${reason}`);
  });
});

import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  type GetItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createItemReader, type Item } from '../../../lib/config/itemReader';

const ddb = mockClient(DynamoDBClient);
afterEach(() => ddb.reset());

const CONFIGS = 'configs';
const POLICIES = 'policies';
const key = (number: string): Item => ({ phone_number: { S: number } });
const item = (number: string, extra: Record<string, AttributeValue> = {}): Item => ({ ...key(number), ...extra });

/** Two tables held in maps, served by GetItem and by BatchGetItem as DynamoDB would. */
function serve(tables: Record<string, Item[]>, unprocessed: Record<string, Item[]> = {}): void {
  const find = (table: string, wanted: Item | undefined) =>
    tables[table]?.find((candidate) => candidate.phone_number?.S === wanted?.phone_number?.S);
  ddb.on(GetItemCommand).callsFake((input: GetItemCommandInput) => ({ Item: find(input.TableName ?? '', input.Key) }));
  ddb.on(BatchGetItemCommand).callsFake(({ RequestItems = {} }: BatchGetItemCommandInput) => ({
    Responses: Object.fromEntries(
      Object.entries(RequestItems).map(([table, { Keys = [] }]) => [
        table,
        Keys.filter((wanted) => !unprocessed[table]?.some((left) => left.phone_number?.S === wanted.phone_number?.S))
          .map((wanted) => find(table, wanted))
          .filter((found) => found !== undefined),
      ]),
    ),
    UnprocessedKeys: Object.fromEntries(Object.entries(unprocessed).map(([table, keys]) => [table, { Keys: keys }])),
  }));
}

const signal = () => new AbortController().signal;

describe('createItemReader', () => {
  it('reads one item alone with GetItem, as before batching', async () => {
    serve({ [CONFIGS]: [item('+1415', { config: { S: 'a' } })] });
    const reader = createItemReader(new DynamoDBClient({}));
    await expect(reader.get(CONFIGS, key('+1415'), signal())).resolves.toEqual(item('+1415', { config: { S: 'a' } }));
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 0);
  });

  it("sends a number's config and policy asked in the same tick as one BatchGetItem, each answered with its own", async () => {
    serve({ [CONFIGS]: [item('+1415', { config: { S: 'c' } })], [POLICIES]: [item('+1415', { policy: { S: 'p' } })] });
    const reader = createItemReader(new DynamoDBClient({}));
    const [config, policy] = await Promise.all([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(config).toEqual(item('+1415', { config: { S: 'c' } }));
    expect(policy).toEqual(item('+1415', { policy: { S: 'p' } }));
    expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(BatchGetItemCommand, {
      RequestItems: { [CONFIGS]: { Keys: [key('+1415')] }, [POLICIES]: { Keys: [key('+1415')] } },
    });
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 0);
  });

  it('answers undefined for a key the batch does not find, and the found item for the other', async () => {
    serve({ [CONFIGS]: [item('+1415')], [POLICIES]: [] });
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(answers).toEqual([item('+1415'), undefined]);
  });

  it('asks a key wanted twice in one tick once (BatchGetItem refuses duplicates) and answers both', async () => {
    serve({ [CONFIGS]: [item('+1415'), item('+1416')] });
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(CONFIGS, key('+1416'), signal()),
    ]);
    expect(answers).toEqual([item('+1415'), item('+1415'), item('+1416')]);
    expect(ddb).toHaveReceivedCommandWith(BatchGetItemCommand, {
      RequestItems: { [CONFIGS]: { Keys: [key('+1415'), key('+1416')] } },
    });
  });

  it('reads the keys DynamoDB left unprocessed again, one GetItem each', async () => {
    serve(
      { [CONFIGS]: [item('+1415')], [POLICIES]: [item('+1415', { policy: { S: 'p' } })] },
      { [POLICIES]: [key('+1415')] },
    );
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(answers).toEqual([item('+1415'), item('+1415', { policy: { S: 'p' } })]);
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, { TableName: POLICIES, Key: key('+1415') });
  });

  it('rejects every request of a batch that fails, with the error', async () => {
    const failure = new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {} });
    ddb.on(BatchGetItemCommand).rejects(failure);
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.allSettled([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(answers).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
  });

  it('rejects a GetItem that throws at once as a promise, never synchronously', async () => {
    const failure = new Error('no credentials');
    ddb.on(GetItemCommand).callsFake(() => {
      throw failure;
    });
    const reader = createItemReader(new DynamoDBClient({}));
    await expect(reader.get(CONFIGS, key('+1415'), signal())).rejects.toBe(failure);
  });

  it("rejects a request with its signal's reason once the signal aborts, whatever the SDK does", async () => {
    ddb.on(GetItemCommand).callsFake(() => new Promise(() => {}));
    const reader = createItemReader(new DynamoDBClient({}));
    const controller = new AbortController();
    const answer = reader.get(CONFIGS, key('+1415'), controller.signal);
    controller.abort(new DOMException('too slow', 'TimeoutError'));
    await expect(answer).rejects.toMatchObject({ name: 'TimeoutError', message: 'too slow' });
  });

  it('sends requests made in different ticks apart', async () => {
    serve({ [CONFIGS]: [item('+1415')], [POLICIES]: [item('+1415')] });
    const reader = createItemReader(new DynamoDBClient({}));
    await reader.get(CONFIGS, key('+1415'), signal());
    await reader.get(POLICIES, key('+1415'), signal());
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 2);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 0);
  });

  it('sends 100 keys, the limit, as one BatchGetItem', async () => {
    const numbers = Array.from({ length: 100 }, (_, i) => `+1415555${String(i).padStart(4, '0')}`);
    serve({ [CONFIGS]: numbers.map((number) => item(number)) });
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all(numbers.map((number) => reader.get(CONFIGS, key(number), signal())));
    expect(answers).toEqual(numbers.map((number) => item(number)));
    expect(ddb).toHaveReceivedCommandTimes(BatchGetItemCommand, 1);
  });

  it("gives the SDK the caller's signal, and a batch the first caller's", async () => {
    serve({ [CONFIGS]: [item('+1415')], [POLICIES]: [item('+1415')] }, { [POLICIES]: [key('+1415')] });
    const reader = createItemReader(new DynamoDBClient({}));
    const [alone, first, second] = [signal(), signal(), signal()];
    await reader.get(CONFIGS, key('+1415'), alone);
    await Promise.all([reader.get(CONFIGS, key('+1415'), first), reader.get(POLICIES, key('+1415'), second)]);
    // The SDK's `send(command, options)`: sinon's typing knows the command only.
    const sent = (call: { args: unknown[] } | undefined) => call?.args;
    const [single, reread] = ddb.commandCalls(GetItemCommand);
    expect(sent(single)).toEqual([expect.any(GetItemCommand), { abortSignal: alone }]);
    expect(sent(ddb.commandCalls(BatchGetItemCommand)[0])).toEqual([
      expect.any(BatchGetItemCommand),
      { abortSignal: first },
    ]);
    // A key read again after the batch is bounded by its own caller's signal.
    expect(reread?.args[0].input).toEqual({ TableName: POLICIES, Key: key('+1415') });
    expect(sent(reread)).toEqual([expect.any(GetItemCommand), { abortSignal: second }]);
  });

  it('answers undefined for every key of a batch answered without Responses or UnprocessedKeys', async () => {
    ddb.on(BatchGetItemCommand).resolves({});
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(answers).toEqual([undefined, undefined]);
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 0);
  });

  it('answers both callers of a key asked twice and left unprocessed from its one GetItem', async () => {
    serve({ [CONFIGS]: [item('+1415', { config: { S: 'c' } })], [POLICIES]: [] }, { [CONFIGS]: [key('+1415')] });
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(answers).toEqual([item('+1415', { config: { S: 'c' } }), item('+1415', { config: { S: 'c' } }), undefined]);
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 1);
  });

  it('answers undefined for a key left unprocessed that its GetItem does not find', async () => {
    serve({ [CONFIGS]: [item('+1415')], [POLICIES]: [] }, { [POLICIES]: [key('+1415')] });
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(answers).toEqual([item('+1415'), undefined]);
  });

  it('rejects only the key whose GetItem after the batch fails, with its error', async () => {
    const failure = new DynamoDBServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {} });
    serve({ [CONFIGS]: [item('+1415')], [POLICIES]: [item('+1415')] }, { [POLICIES]: [key('+1415')] });
    ddb.on(GetItemCommand).rejects(failure);
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.allSettled([
      reader.get(CONFIGS, key('+1415'), signal()),
      reader.get(POLICIES, key('+1415'), signal()),
    ]);
    expect(answers).toEqual([
      { status: 'fulfilled', value: item('+1415') },
      { status: 'rejected', reason: failure },
    ]);
  });

  it('rejects a caller whose signal aborts while the batch is out, and answers the others', async () => {
    let answer: (output: object) => void = () => {};
    ddb.on(BatchGetItemCommand).callsFake(() => new Promise((resolve) => (answer = resolve)));
    const reader = createItemReader(new DynamoDBClient({}));
    const impatient = new AbortController();
    const config = reader.get(CONFIGS, key('+1415'), signal());
    const policy = reader.get(POLICIES, key('+1415'), impatient.signal);
    await Promise.resolve();
    impatient.abort(new DOMException('too slow', 'TimeoutError'));
    await expect(policy).rejects.toMatchObject({ name: 'TimeoutError' });
    answer({ Responses: { [CONFIGS]: [item('+1415')], [POLICIES]: [item('+1415')] } });
    await expect(config).resolves.toEqual(item('+1415'));
  });

  it('splits more than 100 keys into BatchGetItems of at most 100, its limit', async () => {
    const numbers = Array.from({ length: 150 }, (_, i) => `+1415555${String(i).padStart(4, '0')}`);
    serve({ [CONFIGS]: numbers.map((number) => item(number)) });
    const reader = createItemReader(new DynamoDBClient({}));
    const answers = await Promise.all(numbers.map((number) => reader.get(CONFIGS, key(number), signal())));
    expect(answers).toEqual(numbers.map((number) => item(number)));
    const sizes = ddb
      .commandCalls(BatchGetItemCommand)
      .map((call) => call.args[0].input.RequestItems?.[CONFIGS]?.Keys?.length);
    expect(sizes).toEqual([100, 50]);
  });
});

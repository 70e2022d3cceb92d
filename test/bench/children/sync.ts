// Config sync runs as the schedule makes them once the table is full: the bundle named on argv is run once to write
// every number (untimed), then, before each timed run, every n-th item is aged past its renewal age, as the renewals
// of a steady state spread over the runs (lib/config/configSync.ts renews a config before it would stop being fresh).
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { lambdaContext } from '../../../infra/local/lambdaContext';
import type { SyncRun, SyncSpec } from '../protocol';

interface SyncSummary {
  ok: boolean;
  written: number;
  unchanged: number;
}
type SyncHandler = (event: unknown, context?: unknown) => Promise<SyncSummary>;

const [bundle = '', specText = '{}'] = process.argv.slice(2);
const spec: SyncSpec = JSON.parse(specText);
const { handler } = (await import(new URL(bundle, `file://${process.cwd()}/`).href)) as { handler: SyncHandler };

let lineBytes = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  lineBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
  return Reflect.apply(write, process.stdout, [chunk, ...rest]);
}) as typeof process.stdout.write;

const table = new DynamoDBClient({});
const context = () =>
  lambdaContext({ functionName: 'retell-router-ConfigSyncFunction-Hx7Lq2Vd9Ra4', timeoutSeconds: 60 });

/** Every item's number and fetched_at, in number order. */
async function items(): Promise<{ number: string; fetchedAt: number }[]> {
  const { Items = [] } = await table.send(
    new ScanCommand({ TableName: spec.tableName, ProjectionExpression: 'phone_number, fetched_at' }),
  );
  return Items.map((item) => ({ number: item.phone_number?.S ?? '', fetchedAt: Number(item.fetched_at?.N) })).sort(
    (a, b) => a.number.localeCompare(b.number),
  );
}

/** Ages every dueEvery-th item past its renewal age; returns how many. */
async function ageDueItems(): Promise<number> {
  const numbers = (await items()).map(({ number }) => number);
  const fetchedAt = String(Date.now() - spec.dueAgeMs);
  let aged = 0;
  for (const [i, number] of numbers.entries()) {
    if (i % spec.dueEvery !== 0) continue;
    await table.send(
      new UpdateItemCommand({
        TableName: spec.tableName,
        Key: { phone_number: { S: number } },
        UpdateExpression: 'SET fetched_at = :at',
        ExpressionAttributeValues: { ':at': { N: fetchedAt } },
      }),
    );
    aged += 1;
  }
  return aged;
}

const first = await handler({}, context());
if (!first.ok || first.written === 0)
  throw new Error(`the first sync run did not fill the table: ${JSON.stringify(first)}`);
const runs: SyncRun[] = [];
for (let i = 0; i < spec.runs; i++) {
  const aged = await ageDueItems();
  lineBytes = 0;
  const cpu = process.cpuUsage();
  const began = performance.now();
  const summary = await handler({}, context());
  const ms = performance.now() - began;
  const used = process.cpuUsage(cpu);
  // Each aged item must have been written again: the run's PutItems are the renewals.
  const stillOld = (await items()).filter(({ fetchedAt }) => fetchedAt < Date.now() - spec.dueAgeMs / 2).length;
  if (stillOld > 0) throw new Error(`a sync run left ${stillOld} of ${aged} due configs unrenewed`);
  runs.push({
    renewed: aged,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    lineBytes,
    ok: summary.ok,
    written: summary.written,
    unchanged: summary.unchanged,
  });
}
process.send?.(runs, () => process.exit(0));

// Saved Lambda events (infra/events/): read and checked for the function they are for, and webhook events signed
// again for now, since a signature goes stale in 5 minutes.
import { readFile } from 'node:fs/promises';
import type { LambdaFunctionURLEvent, ScheduledEvent } from 'aws-lambda';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import * as z from 'zod';
import { describeIssues } from '../../lib/describeIssues';
import { SIGNATURE_HEADER } from '../../lib/webhook/signature';

const HEADER_FORMAT = /^v=(\d+),d=([0-9a-fA-F]+)$/;

/** The file is missing, unreadable, not JSON, or not an event of the kind asked for; the message says which. */
export class EventFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventFileError';
  }
}

/**
 * What a Function URL hands its function (Lambda's payload format 2.0, "Invoking Lambda function URLs", AWS Lambda
 * Developer Guide): the fields the router and `npm run invoke` read, anything else kept as it is.
 */
const FunctionUrlEventSchema = z.looseObject({
  version: z.literal('2.0'),
  headers: z.record(z.string(), z.string()),
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string(), sourceIp: z.string() }) }),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
});

/**
 * A body as Retell sends an inbound webhook: the event's name and its object. The object's fields are the router's to
 * check (a saved event may be wrong on purpose, to see the router refuse it); a body of another kind is no webhook.
 */
const RetellBodySchema = z.discriminatedUnion('event', [
  z.looseObject({ event: z.literal('call_inbound'), call_inbound: z.looseObject({}) }),
  z.looseObject({ event: z.literal('chat_inbound'), chat_inbound: z.looseObject({}) }),
]);

/** What a schedule rule hands its target (SAM's Schedule event: "Amazon EventBridge events", EventBridge User Guide). */
const ScheduledEventSchema = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  detail: z.looseObject({}),
});

const FUNCTION_URL_EVENT = 'a Function URL event (Lambda payload format 2.0)';
const SCHEDULED_EVENT = 'a scheduled event (EventBridge)';

/**
 * A Function URL event whose body is a Retell inbound webhook (call_inbound or chat_inbound), as the webhook
 * functions take. Throws EventFileError naming what is wrong: the file, its JSON, the event's fields, or the body's.
 */
export async function readFunctionUrlEvent(path: string): Promise<LambdaFunctionURLEvent> {
  const json = await readJson(path);
  const event = FunctionUrlEventSchema.safeParse(json);
  if (!event.success) {
    const other = ScheduledEventSchema.safeParse(json).success ? `: it is ${SCHEDULED_EVENT}, for the config sync` : '';
    throw new EventFileError(
      `${path} is not ${FUNCTION_URL_EVENT}${other || `: ${describeIssues(event.error.issues)}`}`,
    );
  }
  const { body = '', isBase64Encoded } = event.data;
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new EventFileError(`${path}: body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const retell = RetellBodySchema.safeParse(payload);
  if (!retell.success) {
    throw new EventFileError(
      `${path}: body is not a Retell inbound webhook: ${describeIssues(retell.error.issues.map(inBody))}`,
    );
  }
  return json as LambdaFunctionURLEvent;
}

/** A scheduled event, as the config sync takes. Throws EventFileError naming what is wrong. */
export async function readScheduledEvent(path: string): Promise<ScheduledEvent> {
  const json = await readJson(path);
  const event = ScheduledEventSchema.safeParse(json);
  if (!event.success) {
    const other = FunctionUrlEventSchema.safeParse(json).success ? `: it is ${FUNCTION_URL_EVENT}, for a webhook` : '';
    throw new EventFileError(`${path} is not ${SCHEDULED_EVENT}${other || `: ${describeIssues(event.error.issues)}`}`);
  }
  return json as ScheduledEvent;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing ? `event file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`;
    throw new EventFileError(message, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EventFileError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** An issue of the body, its path from the body down. */
function inBody<T extends { path: PropertyKey[] }>(issue: T): T {
  return { ...issue, path: ['body', ...issue.path] };
}

export interface ResignOptions {
  /** The key the new signature is made with. */
  apiKey: string;
  /** Keys a signature counts as genuine under, whatever its age. */
  signedWith: readonly string[];
  now: number;
  /** Sign an event that carries no signature at all. */
  signUnsigned?: boolean;
  /** Sign the event whatever its signature was: `npm run sign-event`, whose user may have edited the body. */
  signAlways?: boolean;
}

/** Whether the event's signature header is genuine under one of `keys` (whatever its age), absent, or bad. */
export async function signatureState(
  event: LambdaFunctionURLEvent,
  keys: readonly string[],
): Promise<'genuine' | 'unsigned' | 'bad'> {
  const header = Object.entries(event.headers).find(([key]) => key.toLowerCase() === SIGNATURE_HEADER)?.[1];
  if (header === undefined) return 'unsigned';
  const match = HEADER_FORMAT.exec(header);
  if (match === null) return 'bad';
  const text = bodyText(event);
  for (const key of keys) {
    if (await symmetric.verify(text, key, header, { timestamp: Number(match[1]) })) return 'genuine';
  }
  return 'bad';
}

/**
 * A copy of the event, signed with `apiKey` at `now` when its signature was genuine under one of `signedWith` (or
 * whatever it was, with `signAlways`). Otherwise a signature that never matched keeps its digest with its time moved
 * to now: it stays bad for the reason it was bad (`npm run invoke` on infra/events/bad-signature.json).
 */
export async function resignEvent(
  event: LambdaFunctionURLEvent,
  options: ResignOptions,
): Promise<LambdaFunctionURLEvent> {
  const headers = { ...event.headers };
  const name = Object.keys(headers).find((key) => key.toLowerCase() === SIGNATURE_HEADER) ?? SIGNATURE_HEADER;
  const header = headers[name];
  const sign = async () => ({
    ...event,
    headers: { ...headers, [name]: await symmetric.sign(bodyText(event), options.apiKey, options.now) },
  });
  if (options.signAlways) return sign();
  const state = await signatureState(event, options.signedWith);
  if (state === 'genuine') return sign();
  if (state === 'unsigned') return options.signUnsigned ? sign() : event;
  const match = HEADER_FORMAT.exec(header as string);
  return match === null ? event : { ...event, headers: { ...headers, [name]: `v=${options.now},d=${match[2]}` } };
}

/** The event's body as the signature covers it: the text, decoded when API Gateway base64-encoded it. */
function bodyText(event: LambdaFunctionURLEvent): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

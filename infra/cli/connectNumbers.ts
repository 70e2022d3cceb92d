// What `npm run connect` does to Retell's phone numbers: read each number's webhook URLs, decide per number what to
// change (never a URL that points elsewhere, unless told), change it through Update Phone Number, and keep what it
// replaced in a file that `--undo` reads back.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Retell, { APIError } from 'retell-sdk';
import * as z from 'zod';
import { describeIssues } from '../../lib/describeIssues';
import { E164_PATTERN } from '../../lib/retell/schemas';

/** The phone number's fields that name the router: calls, and SMS (Retell's phone number object). */
export const WEBHOOK_FIELDS = ['inbound_webhook_url', 'inbound_sms_webhook_url'] as const;
export type WebhookField = (typeof WEBHOOK_FIELDS)[number];

/** Some of a number's webhook URLs; null is no URL, a field left out is not asked about. */
export type WebhookUrls = { [F in WebhookField]?: string | null | undefined };

/** A number as connect reads it: its id and both webhook URLs, null when it has none. */
export interface NumberWebhooks {
  phone_number: string;
  inbound_webhook_url: string | null;
  inbound_sms_webhook_url: string | null;
}

/** Retell's phone numbers, as connect uses them. */
export interface PhoneNumbers {
  /** Every number on the account, page after page. Throws ConnectError. */
  list(): Promise<NumberWebhooks[]>;
  /** The number, or undefined when Retell does not know it. Throws ConnectError. */
  get(phoneNumber: string): Promise<NumberWebhooks | undefined>;
  /** Sets the given fields only; the number as it then is. Throws ConnectError. */
  update(phoneNumber: string, urls: WebhookUrls): Promise<NumberWebhooks>;
}

/** Retell, the stack or a file failed connect; the message says what, never the API key. */
export class ConnectError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConnectError';
  }
}

const NumberSchema = z.looseObject({
  phone_number: z.string(),
  inbound_webhook_url: z.string().nullish(),
  inbound_sms_webhook_url: z.string().nullish(),
});
const PageSchema = z.looseObject({
  items: z.array(z.unknown()),
  has_more: z.boolean(),
  pagination_key: z.string().nullish(),
});

/** Retell's largest page; a longer listing than MAX_PAGES pages of it is refused rather than followed forever. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 1000;

export interface RetellPhoneNumbersOptions {
  apiKey: string;
  baseURL: string;
  /** Upper bound of one request, ms. */
  timeoutMs?: number;
}

/**
 * Retell's phone number API through retell-sdk 5.66.1: `phoneNumber.list` (`GET /v2/list-phone-numbers`, one page per
 * call: `limit` up to 1000, then `pagination_key` while `has_more`), `phoneNumber.retrieve` (`GET
 * /get-phone-number/{number}`; 404 or 422 for a number Retell does not know) and `phoneNumber.update` (`PATCH
 * /update-phone-number/{number}`, the fields given).
 */
export function retellPhoneNumbers({ apiKey, baseURL, timeoutMs = 20_000 }: RetellPhoneNumbersOptions): PhoneNumbers {
  const client = new Retell({ apiKey, baseURL, timeout: timeoutMs, logLevel: 'off' });
  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw new ConnectError(`${what} failed: ${retellMessage(error)}`, { cause: error });
    }
  };
  return {
    async list() {
      const numbers: NumberWebhooks[] = [];
      const seenKeys = new Set<string>();
      let paginationKey: string | undefined;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const query = { limit: PAGE_SIZE, ...(paginationKey === undefined ? {} : { pagination_key: paginationKey }) };
        const body = await call('List Phone Numbers', () => client.phoneNumber.list(query));
        const parsed = PageSchema.safeParse(body);
        if (!parsed.success) {
          throw new ConnectError(`List Phone Numbers gave an invalid page: ${describeIssues(parsed.error.issues)}`);
        }
        numbers.push(...parsed.data.items.map((item, index) => webhooksOf(item, `page ${page}, item ${index + 1}`)));
        if (!parsed.data.has_more) return numbers;
        paginationKey = parsed.data.pagination_key ?? undefined;
        if (paginationKey === undefined || seenKeys.has(paginationKey)) {
          throw new ConnectError(`List Phone Numbers page ${page} says has_more but gives no new pagination_key`);
        }
        seenKeys.add(paginationKey);
      }
      throw new ConnectError(`List Phone Numbers has more than ${MAX_PAGES} pages of ${PAGE_SIZE}`);
    },
    async get(phoneNumber) {
      try {
        return webhooksOf(await client.phoneNumber.retrieve(phoneNumber), phoneNumber);
      } catch (error) {
        if (error instanceof APIError && (error.status === 404 || error.status === 422)) return undefined;
        if (error instanceof ConnectError) throw error;
        throw new ConnectError(`Get Phone Number ${phoneNumber} failed: ${retellMessage(error)}`, { cause: error });
      }
    },
    async update(phoneNumber, urls) {
      // Only the fields given: one left out is not Retell's to clear.
      const fields = Object.fromEntries(
        WEBHOOK_FIELDS.flatMap((field) => (urls[field] === undefined ? [] : [[field, urls[field]]])),
      );
      const body = await call(`Update Phone Number ${phoneNumber}`, () =>
        client.phoneNumber.update(phoneNumber, fields),
      );
      return webhooksOf(body, phoneNumber);
    },
  };
}

function webhooksOf(item: unknown, where: string): NumberWebhooks {
  const parsed = NumberSchema.safeParse(item);
  if (!parsed.success) {
    throw new ConnectError(`Retell gave an invalid phone number (${where}): ${describeIssues(parsed.error.issues)}`);
  }
  return {
    phone_number: parsed.data.phone_number,
    inbound_webhook_url: parsed.data.inbound_webhook_url ?? null,
    inbound_sms_webhook_url: parsed.data.inbound_sms_webhook_url ?? null,
  };
}

/** What went wrong with a Retell request, in a line: the HTTP status and Retell's message, or the network error. */
function retellMessage(error: unknown): string {
  if (error instanceof APIError) {
    const message = (error.error as { message?: unknown } | undefined)?.message;
    return error.status === undefined
      ? error.message
      : `HTTP ${error.status}${typeof message === 'string' ? `: ${message}` : ''}`;
  }
  return (error as Error).message;
}

/** What connect does with one number. `before` and `after`: the fields it was asked to set, as they are and will be. */
export type Step =
  | { phone_number: string; action: 'update'; before: WebhookUrls; after: WebhookUrls }
  | { phone_number: string; action: 'unchanged'; before: WebhookUrls; after: WebhookUrls }
  | { phone_number: string; action: 'skip'; before: WebhookUrls; after: WebhookUrls; reason: string }
  | { phone_number: string; action: 'fail'; reason: string };

/**
 * The step for one number: set each field of `target` unless it already holds that URL, holds none, or holds what
 * `ours` says this tool wrote there (an undo restoring what a run replaced); a field that points elsewhere stops the
 * whole number, unless `replace`.
 */
export function planStep(
  current: NumberWebhooks,
  target: WebhookUrls,
  { replace = false, ours = {} }: { replace?: boolean; ours?: WebhookUrls } = {},
): Step {
  const fields = WEBHOOK_FIELDS.filter((field) => target[field] !== undefined);
  const before = Object.fromEntries(fields.map((field) => [field, current[field]])) as WebhookUrls;
  const after = Object.fromEntries(fields.map((field) => [field, target[field]])) as WebhookUrls;
  const changed = fields.filter((field) => current[field] !== target[field]);
  const elsewhere = changed.filter((field) => current[field] !== null && current[field] !== ours[field]);
  const phone_number = current.phone_number;
  if (elsewhere.length > 0 && !replace) {
    const urls = elsewhere.map((field) => `${field} points elsewhere (${current[field]})`).join(', ');
    return { phone_number, action: 'skip', before, after: before, reason: `${urls}: --replace replaces it` };
  }
  if (changed.length === 0) return { phone_number, action: 'unchanged', before, after };
  return { phone_number, action: 'update', before, after };
}

const UrlOrNull = z.string().nullable();
/**
 * What one run wrote, per number: the fields it changed, as they were (`before`) and as it left them (`after`), and
 * the Retell API it wrote them to (`retell_api`), in the file the run names.
 */
const UndoRecordSchema = z.object({
  written_by: z.literal('npm run connect'),
  retell_api: z.string(),
  written_at: z.string(),
  numbers: z.array(
    z.object({
      phone_number: z.string().regex(E164_PATTERN, 'must be an E.164 number'),
      before: z.object({ inbound_webhook_url: UrlOrNull.optional(), inbound_sms_webhook_url: UrlOrNull.optional() }),
      after: z.object({ inbound_webhook_url: UrlOrNull.optional(), inbound_sms_webhook_url: UrlOrNull.optional() }),
    }),
  ),
});

export type UndoRecord = z.infer<typeof UndoRecordSchema>;

/** A file given to --undo is missing, not JSON, or not one that connect wrote; the message says which. */
export class UndoFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UndoFileError';
  }
}

/** The record a run wrote. Throws UndoFileError naming what is wrong. */
export async function readUndoRecord(path: string): Promise<UndoRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UndoFileError(
      missing ? `undo file not found: ${path}` : `cannot read ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UndoFileError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = UndoRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new UndoFileError(`${path} is not a file npm run connect wrote: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** `.cache/connect/` at the project's root: git-ignored. */
export const UNDO_DIRECTORY = new URL('../../.cache/connect/', import.meta.url);

/**
 * A file of its own for a run's record under `directory`, named after `now` (`connect-2026-12-07T17-30-00.123Z.json`),
 * with a writer that replaces its content; the directory is made on the first write.
 */
export function undoFile(directory: string, now: Date): { path: string; write(record: UndoRecord): Promise<void> } {
  const path = join(directory, `connect-${now.toISOString().replaceAll(':', '-')}.json`);
  return {
    path,
    async write(record) {
      await mkdir(directory, { recursive: true });
      await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
    },
  };
}

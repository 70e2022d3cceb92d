// Saved Function URL events (infra/events/): read, and signed again for now, since a signature goes stale in 5 minutes.
import { readFile } from 'node:fs/promises';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { SIGNATURE_HEADER } from '../../lib/webhook/signature';

const HEADER_FORMAT = /^v=(\d+),d=([0-9a-fA-F]+)$/;

export class EventFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventFileError';
  }
}

export async function readEvent(path: string): Promise<LambdaFunctionURLEvent> {
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

export interface ResignOptions {
  /** The key the new signature is made with. */
  apiKey: string;
  /** Keys a signature counts as genuine under, whatever its age. */
  signedWith: readonly string[];
  now: number;
  /** Sign an event that carries no signature at all. */
  signUnsigned?: boolean;
}

/**
 * A copy of the event, signed with `apiKey` at `now` when its signature was genuine under one of `signedWith`. A
 * signature that never matched keeps its digest with its time moved to now: it stays bad for the reason it was bad.
 */
export async function resignEvent(
  event: LambdaFunctionURLEvent,
  options: ResignOptions,
): Promise<LambdaFunctionURLEvent> {
  const headers = { ...event.headers };
  const name = Object.keys(headers).find((key) => key.toLowerCase() === SIGNATURE_HEADER) ?? SIGNATURE_HEADER;
  const header = headers[name];
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const sign = async () => ({
    ...event,
    headers: { ...headers, [name]: await symmetric.sign(text, options.apiKey, options.now) },
  });

  if (header === undefined) return options.signUnsigned ? sign() : event;
  const match = HEADER_FORMAT.exec(header);
  if (match === null) return event;
  const timestamp = Number(match[1]);
  for (const key of options.signedWith) {
    if (await symmetric.verify(text, key, header, { timestamp })) return sign();
  }
  return { ...event, headers: { ...headers, [name]: `v=${options.now},d=${match[2]}` } };
}

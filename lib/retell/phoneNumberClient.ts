// Retell's Get Phone Number API through the official SDK, bounded by the caller's deadline and checked with our schema.
import Retell, { APIError } from 'retell-sdk';
import { describeIssues } from '../describeIssues';
import { type PhoneNumber, PhoneNumberSchema } from './schemas';

/** Retell could not give a usable answer: unreachable, timed out, 429, 5xx, or a config our schema rejects. */
export class RetellApiError extends Error {
  readonly status: number | undefined;
  constructor(message: string, options: ErrorOptions & { status?: number | undefined } = {}) {
    super(message, options);
    this.name = 'RetellApiError';
    this.status = options.status;
  }
}

export interface PhoneNumberSource {
  /** The number's config, or undefined when Retell does not know the number. Throws RetellApiError. */
  getPhoneNumber(phoneNumber: string, signal: AbortSignal): Promise<PhoneNumber | undefined>;
}

export interface RetellClientOptions {
  /** The newest API key, read for every request, so a rotated key is used at once. */
  apiKey: () => string;
  /** Called when Retell answers 401: the key may have been rotated. */
  onUnauthorized?: () => void;
  baseURL: string;
  /** Upper bound of one request; the caller's signal usually ends it sooner. */
  timeoutMs: number;
}

export function createRetellPhoneNumberSource({
  apiKey,
  onUnauthorized,
  baseURL,
  timeoutMs,
}: RetellClientOptions): PhoneNumberSource {
  // No SDK retries: its back-off would spend the caller's ringing time, and Retell retries the webhook itself.
  const client = new Retell({ apiKey: apiKey(), baseURL, timeout: timeoutMs, maxRetries: 0, logLevel: 'off' });
  return {
    async getPhoneNumber(phoneNumber, signal) {
      let body: unknown;
      try {
        body = await client.phoneNumber.retrieve(phoneNumber, {
          signal,
          headers: { authorization: `Bearer ${apiKey()}` },
        });
      } catch (error) {
        // Retell answers an unknown number with 404 or 422.
        if (error instanceof APIError && (error.status === 404 || error.status === 422)) return undefined;
        const status = error instanceof APIError ? error.status : undefined;
        if (status === 401) onUnauthorized?.();
        throw new RetellApiError(`Get Phone Number failed${status ? ` with HTTP ${status}` : ''}`, {
          cause: error,
          status,
        });
      }
      const parsed = PhoneNumberSchema.safeParse(body);
      if (!parsed.success) {
        throw new RetellApiError(`Get Phone Number returned an invalid config: ${describeIssues(parsed.error.issues)}`);
      }
      if (parsed.data.phone_number !== phoneNumber) {
        throw new RetellApiError(`Get Phone Number returned ${parsed.data.phone_number} for ${phoneNumber}`);
      }
      return parsed.data;
    },
  };
}

// Signs webhook bodies the way Retell does, with the official SDK's signer.
import { symmetric } from 'retell-sdk/lib/webhook_auth';

export const TEST_API_KEY = 'key_test_router_0123456789';

export function sign(body: string, timestamp: number, apiKey = TEST_API_KEY): Promise<string> {
  return symmetric.sign(body, apiKey, timestamp);
}

// Floor of a cold start on a modelled network: a Lambda with both SDK clients that reads the API key's secret, as it
// must before it can verify anything, then sends one GetItem for the called number. Nothing overlaps: that is the
// irreducible chain, and whatever the router overlaps on top of it is its own gain.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const dynamodb = new DynamoDBClient({});
const secretsManager = new SecretsManagerClient({});
const tableName = process.env.CACHE_TABLE_NAME;
let apiKey: string | undefined;

export async function handler(event: LambdaFunctionURLEvent): Promise<{ statusCode: number; body: string }> {
  apiKey ??= (await secretsManager.send(new GetSecretValueCommand({ SecretId: process.env.RETELL_API_KEY_SECRET_ARN })))
    .SecretString;
  if (!apiKey) return { statusCode: 503, body: '' };
  const { call_inbound } = JSON.parse(event.body ?? '{}');
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: tableName, Key: { phone_number: { S: call_inbound.to_number } } }),
  );
  return { statusCode: Item === undefined ? 404 : 200, body: Item?.config?.S ?? '' };
}

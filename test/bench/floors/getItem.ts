// Floor (a) and (c): a Lambda that only creates the DynamoDB client and sends one GetItem for the called number.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const client = new DynamoDBClient({});
const tableName = process.env.CACHE_TABLE_NAME;

export async function handler(event: LambdaFunctionURLEvent): Promise<{ statusCode: number; body: string }> {
  // The key has to come from the request; reading it is part of the irreducible work.
  const { call_inbound } = JSON.parse(event.body ?? '{}');
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { phone_number: { S: call_inbound.to_number } } }),
  );
  return { statusCode: Item === undefined ? 404 : 200, body: Item?.config?.S ?? '' };
}

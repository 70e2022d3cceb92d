// Floor (d): a number known only to Retell costs what the design must do: one GetItem that misses (the table shields
// Retell's API from every cold container), one GET to Retell's API, and one PutItem to remember the answer.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const client = new DynamoDBClient({});
const tableName = process.env.CACHE_TABLE_NAME;
const baseUrl = process.env.RETELL_BASE_URL;
const authorization = `Bearer ${process.env.RETELL_API_KEY}`;

export async function handler(event: LambdaFunctionURLEvent): Promise<{ statusCode: number; body: string }> {
  const { call_inbound } = JSON.parse(event.body ?? '{}');
  const number: string = call_inbound.to_number;
  const Key = { phone_number: { S: number } };
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key }));
  if (Item !== undefined) return { statusCode: 500, body: 'the floor found the number in the table' };
  const response = await fetch(`${baseUrl}/get-phone-number/${encodeURIComponent(number)}`, {
    headers: { authorization },
  });
  const config = await response.text();
  if (!response.ok) return { statusCode: response.status, body: '' };
  await client.send(new PutItemCommand({ TableName: tableName, Item: { ...Key, config: { S: config } } }));
  return { statusCode: 200, body: config };
}

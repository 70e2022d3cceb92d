// Floor (d): a number known only to Retell costs one GET to its API and one PutItem to remember the answer.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const client = new DynamoDBClient({});
const tableName = process.env.CACHE_TABLE_NAME;
const baseUrl = process.env.RETELL_BASE_URL;
const authorization = `Bearer ${process.env.RETELL_API_KEY}`;

export async function handler(event: LambdaFunctionURLEvent): Promise<{ statusCode: number; body: string }> {
  const { call_inbound } = JSON.parse(event.body ?? '{}');
  const number: string = call_inbound.to_number;
  const response = await fetch(`${baseUrl}/get-phone-number/${encodeURIComponent(number)}`, {
    headers: { authorization },
  });
  const config = await response.text();
  if (!response.ok) return { statusCode: response.status, body: '' };
  await client.send(
    new PutItemCommand({ TableName: tableName, Item: { phone_number: { S: number }, config: { S: config } } }),
  );
  return { statusCode: 200, body: config };
}

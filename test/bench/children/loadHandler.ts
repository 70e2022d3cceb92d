// A Lambda bundle's handler, imported as the runtime does: by file, with its own copy of every dependency.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

export type BundleHandler = (event: LambdaFunctionURLEvent) => Promise<{ statusCode: number; body?: string }>;

export async function loadHandler(bundle: string): Promise<BundleHandler> {
  const module: { handler?: BundleHandler } = await import(pathToFileURL(resolve(bundle)).href);
  if (typeof module.handler !== 'function') throw new Error(`${bundle} exports no handler`);
  return module.handler;
}

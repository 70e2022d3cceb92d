// A Lambda bundle's handler, imported as the runtime does: by file, with its own copy of every dependency.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';

export type BundleHandler = (
  event: LambdaFunctionURLEvent,
  context?: Context,
) => Promise<{ statusCode: number; body?: string }>;

/** `instance` names a separate copy of the bundle's modules (and so of its app), for an arm set up differently. */
export async function loadHandler(bundle: string, instance?: string): Promise<BundleHandler> {
  const url = pathToFileURL(resolve(bundle));
  // ES modules are cached by URL, query included: another query evaluates the bundle afresh.
  if (instance !== undefined) url.searchParams.set('instance', instance);
  const module: { handler?: BundleHandler } = await import(url.href);
  if (typeof module.handler !== 'function') throw new Error(`${bundle} exports no handler`);
  return module.handler;
}

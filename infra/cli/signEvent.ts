// `npm run sign-event -- <event.json>`: prints the event signed for now with the local key (RETELL_API_KEY, else the
// demo key), so a saved or edited event passes the signature check again.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { DEMO_API_KEY, localApiKey } from '../local/demo';
import { argumentsOrExit, type Parsed } from './arguments';
import { EventFileError, readFunctionUrlEvent, resignEvent, signatureState } from './eventFiles';

const USAGE = 'usage: npm run -s sign-event -- <event.json>';
const HELP = `${USAGE}

Prints the event signed for now with RETELL_API_KEY, else the demo key, over its body as it is (edited or not; a
signature that did not match the body is replaced, and stderr says so). The file must be a Function URL event whose
body is a Retell inbound webhook, as in infra/events/ (a scheduled event has no signature).`;

/** The event file's path, or a message that says what is wrong with the arguments. */
export function parseArguments(argv: string[]): Parsed<{ path: string }> {
  let parsed: { values: { help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (parsed.values.help) return 'help';
  const [path, ...extra] = parsed.positionals;
  if (path === undefined) return { error: 'give the event file' };
  if (extra.length > 0) return { error: `unexpected argument ${JSON.stringify(extra[0])}` };
  return { path };
}

async function main(): Promise<void> {
  const parsed = argumentsOrExit(parseArguments(process.argv.slice(2)), HELP, USAGE);
  if (parsed === undefined) return;
  let event: LambdaFunctionURLEvent;
  try {
    event = await readFunctionUrlEvent(parsed.path);
  } catch (error) {
    if (!(error instanceof EventFileError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const apiKey = localApiKey();
  if ((await signatureState(event, [DEMO_API_KEY, apiKey])) === 'bad') {
    process.stderr.write(
      `${parsed.path}: its signature did not match its body (edited since, or a deliberately bad example): ` +
        'signed again over the body as it is\n',
    );
  }
  const signed = await resignEvent(event, { apiKey, signedWith: [], now: Date.now(), signAlways: true });
  process.stdout.write(`${JSON.stringify(signed, null, 2)}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}

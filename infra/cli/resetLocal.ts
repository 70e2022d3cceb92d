// `npm run reset-local`: empties the local store (.cache/local-store), which npm start and the local CLIs share.
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LocalStoreError, resetLocalStore } from '../local/localStore';
import { argumentsOrExit, type Parsed } from './arguments';

const USAGE = 'usage: npm run reset-local';
const HELP = `${USAGE}

Empties the local store that npm start and the local CLIs (policy, sync, explain) share: every table and item in
.cache/local-store (or LOCAL_STORE_DIR). Stop npm start first: it refuses while the store is served. The next npm start
creates the tables again and seeds the demo policies.

  --help   this text`;

export function parseArguments(argv: string[]): Parsed<object> {
  try {
    const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, strict: true });
    return values.help ? 'help' : {};
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function main(): Promise<void> {
  if (argumentsOrExit(parseArguments(process.argv.slice(2)), HELP, USAGE) === undefined) return;
  try {
    const dir = await resetLocalStore(process.env);
    process.stdout.write(`emptied the local store in ${relative(process.cwd(), dir) || dir}\n`);
  } catch (error) {
    if (!(error instanceof LocalStoreError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();

// `npm run sign-event -- <event.json>`: prints the event signed for now with the local key (RETELL_API_KEY, else the
// demo key), so a saved event passes the 5-minute check again. A signature that never matched stays bad.
import { fileURLToPath } from 'node:url';
import { DEMO_API_KEY, localApiKey } from '../local/demo';
import { readEvent, resignEvent } from './eventFiles';

const USAGE = 'usage: npm run sign-event -- <event.json>';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\nPrints the event signed for now with RETELL_API_KEY, else the demo key.\n`);
    return;
  }
  const [path, ...extra] = args;
  if (path === undefined || extra.length > 0 || path.startsWith('-')) {
    process.stderr.write(`${path?.startsWith('-') ? `unknown option ${path}\n` : ''}${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const apiKey = localApiKey();
  const event = await readEvent(path);
  const signed = await resignEvent(event, {
    apiKey,
    signedWith: [DEMO_API_KEY, apiKey],
    now: Date.now(),
    signUnsigned: true,
  });
  process.stdout.write(`${JSON.stringify(signed, null, 2)}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}

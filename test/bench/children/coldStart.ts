// One cold start: a fresh process loads the bundle named on argv and answers the event on argv once, over IPC.
import type { ColdStartAnswer } from '../protocol';
import { loadHandler } from './loadHandler';

const [bundle = '', event = ''] = process.argv.slice(2);
const handler = await loadHandler(bundle);
const { statusCode, body = '' } = await handler(JSON.parse(event));
// Exits at once: the SDK's keep-alive sockets would hold the process open, and a Lambda is frozen here anyway.
process.send?.({ statusCode, body } satisfies ColdStartAnswer, () => process.exit(0));

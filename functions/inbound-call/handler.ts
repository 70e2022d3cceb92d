// Retell's inbound call webhook. Both entry points route both event kinds; they are apart to scale and alarm apart.
import { createFunctionUrlHandler } from '../../lib/webhook/functionUrl';

export const handler = createFunctionUrlHandler();

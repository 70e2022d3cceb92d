// zod/mini (a fraction of zod's bundle) with English messages, so a 400 says what is wrong in words.

import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());

export { z };

// English messages for zod/mini, which ships none, so a 400 says what is wrong in words. Imported for its effect.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

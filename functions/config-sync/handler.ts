// The scheduled config sync: lists every number in Retell and refreshes the cache table with it.
import { createConfigSyncHandler } from '../../lib/config/scheduledSync';

export const handler = createConfigSyncHandler();

// Typed Hono context shared by every route module.
import type { Logger } from '../shared/logger.js';

/** What a bearer key is: `metrics` is METRICS_TOKEN, a scraper's key that reads /metrics only. */
export type Role = 'admin' | 'service' | 'metrics';

export interface AppEnv {
  Variables: {
    /** The request's logger, made on first use. */
    log: () => Logger;
    role?: Role;
  };
}

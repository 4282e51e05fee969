// Typed Hono context shared by every route module.
import type { Logger } from '../shared/logger.js';

export type Role = 'admin' | 'service';

export interface AppEnv {
  Variables: {
    /** The request's logger, made on first use. */
    log: () => Logger;
    role?: Role;
  };
}

// Typed Hono context shared by every route module.
import type { Logger } from '../shared/logger.js';

export type Role = 'admin' | 'service';

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    role?: Role;
  };
}

// The grammY context every Telegram feature receives: the update plus the adapter's
// dependencies and a logger bound to this update (STYLE: dependencies on the context).
import { Context } from 'grammy';
import type { Assistant } from '../../src/assistant/assistant.types.js';
import type { Logger } from '../../src/shared/logger.js';
import type { KeyboardRegistry } from './telegram.keyboards.js';
import type { ModeratorCheck } from './telegram.moderators.js';

export interface TelegramDeps {
  assistant: Assistant;
  logger: Logger;
  moderators: ModeratorCheck;
  keyboards: KeyboardRegistry;
}

export type TelegramContext = Context & {
  readonly deps: TelegramDeps;
  /** Child of the root logger with `update_id`, so every line of one update can be grepped. */
  readonly logger: Logger;
};

/** A Context class closed over the dependencies, for `new Bot(token, { ContextConstructor })`. */
export function contextWith(deps: TelegramDeps) {
  return class extends Context {
    readonly deps = deps;
    readonly logger = deps.logger.child({ update_id: this.update.update_id });
  };
}

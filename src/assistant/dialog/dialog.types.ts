// What every intent handler receives and returns. Handlers are plain async functions over the
// application services; they never see a platform.
import type { AssistantServices } from '../assistant.deps.js';
import type { Entities, IntentId } from '../nlu/nlu.types.js';
import type { Templates } from '../replies/replies.types.js';
import type { Inbound, Lang, Reply } from '../assistant.types.js';
import type { SessionState } from './session.types.js';

export type { PendingRedemption, SessionState, SlotState } from './session.types.js';

export interface DialogContext {
  s: AssistantServices;
  t: Templates;
  lang: Lang;
  userId: number;
  inbound: Inbound;
  session: SessionState;
  intent: IntentId | string;
  entities: Entities;
  /** Free text of this turn (message, /ask text or command text). */
  text: string;
}

export type Handler = (ctx: DialogContext) => Promise<Reply[]>;

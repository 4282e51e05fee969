// The assistant: one channel-neutral conversation engine for Telegram, Discord, the web chat
// and the terminal. A turn is: identify the user, load the dialog state, understand the turn
// (a button in turn/buttons.ts, a command in turn/commands.ts, or free text through the NLU
// with follow-ups in turn/text.ts), run the handler over the services it is given, save the
// state if it changed, and answer in the user's language.
import { DomainError } from '../shared/errors.js';
import { countChatTurn } from '../shared/metrics.js';
import type { AssistantDeps, AssistantServices } from './assistant.deps.js';
import type {
  Assistant,
  AssistantResult,
  HandleOptions,
  Inbound,
  InboundUser,
  Lang,
} from './assistant.types.js';
import { zh } from './replies/replies.zh.js';
import { en } from './replies/replies.en.js';
import type { DialogContext } from './dialog/dialog.types.js';
import { intentHandlers, type Turn, type TurnTools } from './turn/intents.js';
import { platformLanguage, textLanguage } from './turn/language.js';
import { createUnderstanding } from './turn/understanding.js';
import { onButton } from './turn/buttons.js';
import { onCommand } from './turn/commands.js';
import { onText } from './turn/text.js';

const TEMPLATES = { zh, en };
const MAX_TEXT = 2000;

/** The user an inbound speaks for: one look-up for a returning identity; a new identity, or
 * one whose @username changed, goes through users.upsert (creates it, or records the name). */
async function userOf(s: AssistantServices, who: InboundUser): Promise<number> {
  const known = await s.identities.userOf(who.channel, who.externalId);
  const username = who.username?.replace(/^@/, '').toLowerCase().slice(0, 64) || null;
  if (known && (!username || known.username === username)) return known.userId;
  const { user } = await s.users.upsert({
    channel: who.channel,
    externalId: who.externalId,
    displayName: who.displayName,
    languageCode: platformLanguage(who.languageCode),
    username: who.username,
  });
  return user.id;
}

/** What the person typed tells the language; a command's name and a /start payload (ref_CODE)
 * are Latin whatever they speak (a /grant reason is what they typed). */
function typedText(inbound: Inbound, text: string): string {
  if (inbound.text !== undefined) return text;
  return inbound.command?.name === 'start' ? '' : text.replace(/^\/\S+/, '');
}

export function createAssistant(deps: AssistantDeps): Assistant {
  const { services: s, logger, store } = deps;
  const understanding = createUnderstanding(s.catalog, deps.catalogTtlMs);
  const intents = intentHandlers(deps.support);

  /** The invitee's first interaction rewards the inviter; once that is done (or no referral
   * waits), later turns skip the look-up. */
  async function settleReferral(userId: number): Promise<boolean> {
    try {
      await s.referrals.onInteraction(userId);
      return true;
    } catch (err) {
      logger.warn({ err, userId }, 'referral interaction not recorded');
      return false;
    }
  }

  async function handle(inbound: Inbound, opts: HandleOptions = {}): Promise<AssistantResult> {
    if (!inbound.user?.externalId)
      throw new DomainError('invalid_input', 'the inbound message has no user id');
    const userId = await userOf(s, inbound.user);
    const session = await store.loadSession(userId);
    const before = JSON.stringify(session);
    const text = String(inbound.text ?? inbound.command?.text ?? '').slice(0, MAX_TEXT);
    const lang: Lang =
      textLanguage(typedText(inbound, text), session.lang) ??
      session.lang ??
      platformLanguage(inbound.user.languageCode) ??
      'zh';
    const { nlu, topics } = await understanding.current();
    const parsed = text.trim() ? nlu.parse(text, { lang }) : undefined;
    const tools: TurnTools = { intents, support: deps.support, logger, topics };
    const ctx: DialogContext = {
      s,
      t: TEMPLATES[lang],
      lang,
      userId,
      inbound,
      session,
      intent: 'out_of_scope',
      entities: {},
      text,
    };
    let turn: Turn;
    try {
      if (inbound.action) turn = await onButton(ctx, inbound.action, tools);
      else if (inbound.command && inbound.command.name !== 'ask')
        turn = await onCommand(ctx, parsed, tools);
      else turn = await onText(ctx, parsed, tools);
    } catch (err) {
      if (!(err instanceof DomainError) || opts.rethrow?.includes(err.code)) throw err;
      logger.info({ code: err.code, userId }, 'assistant turn refused');
      const code = err.code.endsWith('_not_found') ? 'not_found' : err.code;
      turn = {
        intent: ctx.intent,
        confidence: parsed?.confidence ?? 1,
        entities: ctx.entities,
        replies: [{ text: ctx.t.error(code, err.message), private: true }],
      };
    }
    session.lang = lang;
    const wasSettled = !!session.referralSettled;
    const settledNow = !wasSettled && (await settleReferral(userId));
    if (settledNow) session.referralSettled = true;
    if (JSON.stringify(session) !== before)
      await store.saveSession(
        userId,
        session,
        settledNow ? 'settled' : wasSettled ? 'as-stored' : 'open',
      );
    countChatTurn(turn.intent);
    return {
      intent: turn.intent,
      confidence: Math.round(turn.confidence * 1000) / 1000,
      entities: { ...turn.entities },
      lang,
      replies: turn.replies,
    };
  }

  return { handle };
}

// Slash commands from the bots (/balance, /redeem python, Discord options) map onto intents;
// /start also accepts a referral code, /link, /grant and /undo have handlers of their own.
import { DomainError } from '../../shared/errors.js';
import type { Reply } from '../assistant.types.js';
import type { Entities, IntentId, ParseResult } from '../nlu/nlu.types.js';
import type { DialogContext } from '../dialog/dialog.types.js';
import * as account from '../dialog/account.handlers.js';
import * as support from '../dialog/support.handlers.js';
import * as moderation from '../dialog/moderation.handlers.js';
import { runIntent, type Turn, type TurnTools } from './intents.js';
import { onText } from './text.js';

/** Commands that are one intent, whatever their arguments. */
const PLAIN: Record<string, IntentId> = {
  help: 'help',
  balance: 'balance',
  history: 'points_history',
  checkin: 'checkin',
  invite: 'invite',
  mall: 'browse_mall',
  orders: 'order_status',
  refund: 'refund',
  tier: 'membership',
  earn: 'earn_points',
};

const slug = (v: unknown) => (typeof v === 'string' && /^[a-z0-9-]{1,60}$/.test(v) ? v : undefined);

async function start(ctx: DialogContext, tools: TurnTools): Promise<Turn> {
  const args = ctx.inbound.command?.args ?? {};
  const code =
    (args.ref as string | undefined) ?? /^ref_?([\w-]{3,40})$/.exec(ctx.text.trim())?.[1];
  if (code) {
    try {
      await ctx.s.referrals.accept(ctx.userId, code);
      ctx.session.referralSettled = undefined;
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      tools.logger.info({ code: err.code, userId: ctx.userId }, 'referral not accepted');
    }
  }
  return { intent: 'greeting', confidence: 1, entities: {}, replies: await support.greeting(ctx) };
}

export async function onCommand(
  ctx: DialogContext,
  parsed: ParseResult | undefined,
  tools: TurnTools,
): Promise<Turn> {
  const cmd = ctx.inbound.command!;
  const args = cmd.args ?? {};
  const found = parsed?.allEntities ?? {};
  const as = async (intent: IntentId, e: Entities = { ...found }): Promise<Turn> => {
    ctx.entities = e;
    return { intent, confidence: 1, entities: e, replies: await runIntent(ctx, tools, intent) };
  };
  const own = (intent: string, replies: Reply[], entities: Entities = {}): Turn => ({
    intent,
    confidence: 1,
    entities,
    replies,
  });
  const plain = PLAIN[cmd.name];
  if (plain) return as(plain);
  switch (cmd.name) {
    case 'start':
      return start(ctx, tools);
    case 'top': {
      const period = args.period === 'week' || args.period === 'month' ? args.period : undefined;
      return as('leaderboard', { ...found, ...(period ? ({ period } as Entities) : {}) });
    }
    case 'courses': {
      const topic = args.topic as string | undefined;
      return as('browse_courses', {
        topic: topic && tools.topics.has(topic) ? topic : found.topic,
      });
    }
    case 'course':
      return as('course_detail', { course: slug(args.course) ?? found.course });
    case 'redeem':
      return as('redeem_course', { course: slug(args.course) ?? found.course });
    case 'buy':
      return as('buy_course', { course: slug(args.course) ?? found.course });
    case 'exchange': {
      const quantity = Number(args.quantity ?? found.quantity);
      return as('redeem_item', {
        item: slug(args.item) ?? found.item,
        quantity: Number.isInteger(quantity) && quantity > 0 ? quantity : undefined,
      });
    }
    case 'link':
      return own('link', await account.link(ctx));
    case 'grant':
      return own('grant', await moderation.grant(ctx), found);
    case 'undo':
      return own('undo', await moderation.undo(ctx));
    default:
      return onText(ctx, parsed, tools);
  }
}

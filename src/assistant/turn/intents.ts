// What one turn produced, and the handler behind every intent the NLU or a button can name.
import type { Logger } from '../../shared/logger.js';
import type { Reply } from '../assistant.types.js';
import type { Entities, IntentId } from '../nlu/nlu.types.js';
import type { SupportService } from '../support.service.js';
import type { DialogContext } from '../dialog/dialog.types.js';
import * as account from '../dialog/account.handlers.js';
import * as catalog from '../dialog/catalog.handlers.js';
import * as redeem from '../dialog/redeem.handlers.js';
import * as orders from '../dialog/orders.handlers.js';
import * as support from '../dialog/support.handlers.js';

export type Turn = { intent: string; confidence: number; entities: Entities; replies: Reply[] };

export type IntentHandlers = Record<IntentId, (ctx: DialogContext) => Promise<Reply[]>>;

/** What the command, button and text paths of a turn share. */
export interface TurnTools {
  intents: IntentHandlers;
  support: SupportService;
  logger: Logger;
  /** The catalog's course categories now (a /courses topic must be one). */
  topics: ReadonlySet<string>;
}

export function intentHandlers(supportService: SupportService): IntentHandlers {
  return {
    greeting: support.greeting,
    thanks_bye: support.thanks,
    help: support.help,
    balance: account.balance,
    points_history: account.history,
    earn_points: account.earnGuide,
    checkin: account.checkin,
    invite: account.invite,
    browse_courses: catalog.browseCourses,
    course_detail: (ctx) =>
      ctx.entities.course
        ? catalog.courseDetail(ctx, ctx.entities.course)
        : redeem.askCourse(ctx, 'course_detail'),
    recommend_courses: catalog.recommend,
    redeem_course: (ctx) =>
      ctx.entities.course
        ? redeem.quoteRedemption(ctx, { kind: 'course', slug: ctx.entities.course })
        : redeem.askCourse(ctx, 'redeem_course'),
    buy_course: (ctx) =>
      ctx.entities.course
        ? orders.buyCourse(ctx, ctx.entities.course)
        : redeem.askCourse(ctx, 'buy_course'),
    browse_mall: catalog.browseMall,
    redeem_item: (ctx) =>
      ctx.entities.item
        ? redeem.quoteRedemption(ctx, {
            kind: 'item',
            slug: ctx.entities.item,
            quantity: ctx.entities.quantity,
          })
        : redeem.askItem(ctx),
    order_status: orders.orderStatus,
    refund: orders.refund,
    membership: account.membership,
    upgrade_membership: account.upgrade,
    points_expiry: account.expiry,
    leaderboard: account.leaderboard,
    human_agent: support.handoff(supportService),
    out_of_scope: async (ctx) => (await support.fallback(ctx, supportService)).replies,
  };
}

export async function runIntent(
  ctx: DialogContext,
  tools: TurnTools,
  intent: IntentId,
): Promise<Reply[]> {
  ctx.intent = intent;
  return tools.intents[intent](ctx);
}

// A pressed button: its id (dialog/actions.ts) names what to do, with no NLU involved.
import type { Reply } from '../assistant.types.js';
import type { Entities, IntentId } from '../nlu/nlu.types.js';
import type { DialogContext } from '../dialog/dialog.types.js';
import { parseAction } from '../dialog/actions.js';
import * as account from '../dialog/account.handlers.js';
import * as catalog from '../dialog/catalog.handlers.js';
import * as redeem from '../dialog/redeem.handlers.js';
import * as orders from '../dialog/orders.handlers.js';
import { runIntent, type Turn, type TurnTools } from './intents.js';

const turn = (intent: string, replies: Reply[], entities: Entities = {}): Turn => ({
  intent,
  confidence: 1,
  entities,
  replies,
});

export async function onButton(ctx: DialogContext, id: string, tools: TurnTools): Promise<Turn> {
  const a = parseAction(id);
  const expired = (intent: string) =>
    turn(intent, [{ text: ctx.t.confirmationExpired(), private: true }]);
  if (!a) return expired('out_of_scope');
  switch (a.type) {
    case 'confirm': {
      const kind = ctx.session.pending?.kind;
      return turn(
        kind === 'item' ? 'redeem_item' : 'redeem_course',
        await redeem.confirm(ctx, a.token),
      );
    }
    case 'cancel':
      return turn('cancel', await redeem.cancel(ctx, a.token));
    case 'courses':
      return turn(
        'browse_courses',
        await catalog.courseList(ctx, a.topic, a.page),
        a.topic ? { topic: a.topic } : {},
      );
    case 'course':
      return turn('course_detail', await catalog.courseDetail(ctx, a.slug), { course: a.slug });
    case 'redeem_course':
      return turn(
        'redeem_course',
        await redeem.quoteRedemption(ctx, { kind: 'course', slug: a.slug }),
        { course: a.slug },
      );
    case 'buy':
      return turn('buy_course', await orders.buyCourse(ctx, a.slug, a.points), {
        course: a.slug,
      });
    case 'item':
      return turn(
        'redeem_item',
        await redeem.quoteRedemption(ctx, { kind: 'item', slug: a.slug }),
        {
          item: a.slug,
        },
      );
    case 'quantity': {
      const slot = ctx.session.slot;
      if (!slot?.slug || slot.need !== 'quantity') return expired('redeem_item');
      return turn(
        'redeem_item',
        await redeem.quoteRedemption(ctx, { kind: 'item', slug: slot.slug, quantity: a.n }),
        { item: slot.slug, quantity: a.n },
      );
    }
    case 'refund':
      return turn('refund', await orders.refundOrder(ctx, a.orderId));
    case 'top':
      ctx.entities = { period: a.period } as Entities;
      return turn('leaderboard', await account.leaderboard(ctx));
    case 'intent': {
      const intent = a.intent as IntentId;
      if (!(intent in tools.intents)) return expired('out_of_scope');
      ctx.entities = {};
      return turn(intent, await runIntent(ctx, tools, intent));
    }
  }
}

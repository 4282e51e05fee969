// Two-step redemptions in chat, rendered from the orders' redemption protocol: the quote
// (orders.start) reserves the quoted points and shows Confirm/Cancel; Confirm (orders.confirm,
// idempotent on the quote, so a second press never redeems twice) or Cancel (orders.cancel)
// finish it, and an unconfirmed quote expires with its hold. A missing course, item, quantity
// or address is asked for first.
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../shared/errors.js';
import type { Reply } from '../assistant.types.js';
import type { DialogContext, PendingRedemption } from './dialog.types.js';
import { button, ids } from './actions.js';
import { QUOTE_TTL_MS } from '../../orders/orders.rules.js';

/** Gives back what an abandoned confirmation reserved; nothing to do once it is gone. */
async function release(ctx: DialogContext, p: PendingRedemption | undefined): Promise<void> {
  if (!p?.quoteId) return;
  await ctx.s.orders.cancel({ userId: ctx.userId, quoteId: p.quoteId }).catch(() => undefined);
}

/** Asks for a missing course (with choices) and remembers what the user was doing. */
export async function askCourse(
  ctx: DialogContext,
  intent: 'redeem_course' | 'buy_course' | 'course_detail',
): Promise<Reply[]> {
  const { s, t } = ctx;
  ctx.session.slot = { intent, need: 'course' };
  const courses = (await s.catalog.listCourses()).slice(0, 8);
  const action = intent === 'buy_course' ? 'buy' : intent === 'course_detail' ? 'detail' : 'redeem';
  return [
    {
      text: t.askWhichCourse(action),
      buttons: courses.map((c) =>
        button(
          intent === 'buy_course'
            ? ids.buy(c.slug)
            : intent === 'course_detail'
              ? ids.course(c.slug)
              : ids.redeemCourse(c.slug),
          t.pick(c.titleZh, c.titleEn),
        ),
      ),
    },
  ];
}

export async function askItem(ctx: DialogContext): Promise<Reply[]> {
  const { s, t } = ctx;
  ctx.session.slot = { intent: 'redeem_item', need: 'item' };
  const items = (await s.catalog.listItems()).filter((i) => i.stock === null || i.stock > 0);
  return [
    {
      text: t.askWhichItem(),
      buttons: items.map((i) => button(ids.item(i.slug), t.pick(i.titleZh, i.titleEn))),
    },
  ];
}

/** Quotes a redemption for this user now and reserves the points behind a Confirm button. */
export async function quoteRedemption(
  ctx: DialogContext,
  req: {
    kind: 'course' | 'item';
    slug: string;
    quantity?: number;
    address?: PendingRedemption['address'];
  },
): Promise<Reply[]> {
  const { s, t, userId, session } = ctx;
  const quantity = req.quantity ?? 1;
  // A course needs nothing asked first: its title comes with the quote.
  if (req.kind === 'item') {
    const item = await s.catalog.getItem(req.slug);
    const title = t.pick(item.titleZh, item.titleEn);
    const limit = item.perUserLimit ?? 99;
    if (req.quantity === undefined && limit > 1 && item.kind === 'physical') {
      session.slot = { intent: 'redeem_item', need: 'quantity', slug: req.slug };
      return [
        {
          text: t.askQuantity(title),
          buttons: [1, 2, 3].filter((n) => n <= limit).map((n) => button(ids.quantity(n), `×${n}`)),
        },
      ];
    }
    if (item.kind === 'physical' && !req.address) {
      session.slot = { intent: 'redeem_item', need: 'address', slug: req.slug, quantity };
      return [{ text: t.askAddress(title), private: true }];
    }
  }
  session.slot = undefined;
  await release(ctx, session.pending);
  session.pending = undefined;
  const q = await s.orders.start({
    userId,
    kind: req.kind,
    slug: req.slug,
    quantity,
    address: req.address,
    hold: true,
  });
  if (q.blocked) return [{ text: t.error(q.blocked.code, q.blocked.message), private: true }];
  const title = t.pick(q.titleZh, q.titleEn);
  if (!q.affordable || !q.quoteId)
    return [
      {
        text: t.quoteInsufficient({ title, cost: q.pointsTotal, available: q.available }),
        buttons: [button(ids.intent('earn_points'), t.buttons.howToEarn)],
        private: true,
      },
    ];

  const token = randomBytes(6).toString('base64url');
  session.pending = {
    token,
    kind: req.kind,
    slug: req.slug,
    title,
    quantity,
    address: req.address,
    quoteId: q.quoteId,
    holdId: q.holdId,
    cost: q.pointsTotal,
    expiresAt: q.expiresAt!,
  };
  return [
    {
      text: t.quote({
        title,
        cost: q.pointsTotal,
        balanceAfter: q.balanceAfter,
        available: q.available,
        discountPercent: q.discountPct,
        quantity,
        expiresInMinutes: QUOTE_TTL_MS / 60_000,
      }),
      buttons: [
        button(ids.confirm(token), t.buttons.confirm),
        button(ids.cancel(token), t.buttons.cancel),
      ],
      private: true,
    },
  ];
}

export async function confirm(ctx: DialogContext, token: string): Promise<Reply[]> {
  const { s, t, userId, session } = ctx;
  const p = session.pending;
  if (!p || p.token !== token) {
    const done = session.done?.find((d) => d.token === token);
    if (done) return [{ text: done.text, private: true }];
    return [{ text: t.confirmationExpired(), private: true }];
  }
  try {
    if (!p.quoteId) throw new DomainError('quote_expired', 'no quote behind this confirmation');
    const r = await s.orders.confirm({ userId, quoteId: p.quoteId });
    const extra = r.trialUntil ? t.vipTrialUntil(r.trialUntil) : null;
    const text = t.redeemed({
      title: p.title,
      pointsCharged: r.pointsCharged,
      balance: r.balance,
      orderId: r.orderId,
      code: r.couponCodes.join(', ') || null,
      extra,
    });
    session.pending = undefined;
    session.done = [...(session.done ?? []).slice(-9), { token, text }];
    return [{ text, private: true }];
  } catch (err) {
    // Refused for a flood: nothing happened, so the confirmation (and its hold) stays for a retry.
    if (!(err instanceof DomainError) || err.code === 'rate_limited') throw err;
    session.pending = undefined;
    await release(ctx, p);
    if (err.code === 'quote_expired') return [{ text: t.confirmationExpired(), private: true }];
    return [{ text: t.error(err.code, err.message), private: true }];
  }
}

export async function cancel(ctx: DialogContext, token: string): Promise<Reply[]> {
  const p = ctx.session.pending;
  if (!p || p.token !== token) return [{ text: ctx.t.nothingToConfirm(), private: true }];
  ctx.session.pending = undefined;
  ctx.session.slot = undefined;
  await release(ctx, p);
  return [{ text: ctx.t.cancelled(), private: true }];
}

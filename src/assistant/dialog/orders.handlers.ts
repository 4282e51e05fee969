// Orders in chat: status of recent orders, refunds (started, or why not), and buying a course
// with money through the payment provider's hosted page (optionally with points deducted).
import { DomainError } from '../../shared/errors.js';
import type { Button, Reply } from '../assistant.types.js';
import type { OrderView } from '../../orders/orders.views.js';
import type { Templates } from '../replies/replies.types.js';
import type { DialogContext, Handler } from './dialog.types.js';
import { button, ids } from './actions.js';

const titleOf = (o: OrderView, t: Templates) => {
  const x = o.course ?? o.item;
  return x ? t.pick(x.titleZh, x.titleEn) : `#${o.orderId}`;
};

export const orderStatus: Handler = async ({ s, t, userId }) => {
  const { items } = await s.orders.listOrders(userId, { limit: 5 });
  return [
    {
      text: t.orders(
        items.map((o) => ({
          id: o.orderId,
          title: titleOf(o, t),
          status: o.status,
          pointsCharged: o.pointsCharged,
          createdAt: o.createdAt,
          code: o.couponCodes.join(', ') || null,
        })),
      ),
      private: true,
    },
  ];
};

/** Refundable: paid course orders inside their refund window. */
function refundable(o: OrderView, now: number): boolean {
  return (
    o.kind === 'paid_course' &&
    o.status === 'paid' &&
    !!o.refundableUntil &&
    new Date(o.refundableUntil).getTime() > now
  );
}

export async function refundOrder(ctx: DialogContext, orderId: number): Promise<Reply[]> {
  const { s, t, userId } = ctx;
  try {
    const r = await s.checkout.refund({ userId, orderId, reason: 'requested in chat' });
    const o = await s.orders.getOrder(orderId, userId);
    return [
      {
        text: t.refundStarted({ title: titleOf(o, t), amountFen: r.refundedFen }),
        private: true,
      },
    ];
  } catch (err) {
    if (err instanceof DomainError)
      return [{ text: t.refundNotPossible(err.message), private: true }];
    throw err;
  }
}

export const refund: Handler = async (ctx) => {
  const { s, t, userId } = ctx;
  const { items } = await s.orders.listOrders(userId, { limit: 20 });
  const now = s.clock.now().getTime();
  const open = items.filter((o) => refundable(o, now));
  if (open.length === 1) return refundOrder(ctx, open[0]!.orderId);
  if (open.length > 1) {
    return [
      {
        text: t.whichOrderToRefund(),
        buttons: open.map((o) => button(ids.refund(o.orderId), `#${o.orderId} ${titleOf(o, t)}`)),
        private: true,
      },
    ];
  }
  const paid = items.find((o) => o.kind === 'paid_course' && o.status === 'paid');
  const reason = paid ? t.refundWindowPassed(paid.orderId) : t.nothingToRefund();
  return [{ text: t.refundNotPossible(reason), private: true }];
};

export async function buyCourse(ctx: DialogContext, slug: string, points = 0): Promise<Reply[]> {
  const { s, t, userId, inbound } = ctx;
  const course = await s.catalog.getCourse(slug);
  const title = t.pick(course.titleZh, course.titleEn);
  if ((await s.orders.enrollments(userId)).some((e) => e.slug === course.slug))
    return [{ text: t.error('already_enrolled'), private: true }];
  const q = await s.checkout.checkoutQuote(userId, slug);
  const order = await s.checkout.createOrder({
    userId,
    key: `chat:${inbound.eventId}:buy`,
    courseSlug: slug,
    points: Math.min(points, q.usablePoints),
  });
  const url = order.payUrl ?? `${s.settings.publicUrl}/v1/users/${userId}/orders/${order.orderId}`;
  const buttons: Button[] = [
    { id: `pay:${order.orderId}`, label: `${t.buttons.pay} ${t.money(order.amountFen)}`, url },
  ];
  if (!points && q.usablePoints > 0) {
    buttons.push(button(ids.buy(slug, q.usablePoints), t.buttons.usePoints(q.usablePoints)));
  }
  return [
    {
      text: t.payLink({
        title,
        priceFen: order.amountFen,
        maxDeductionPoints: q.usablePoints,
        url,
      }),
      buttons,
      private: true,
    },
  ];
}

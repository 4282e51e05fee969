// Orders: the redemption protocol (redemption.service.ts) plus order lists, single orders,
// physical order status changes (placed → shipped → delivered, or cancelled with points and
// stock returned) and a user's enrollments.
import { DomainError } from '../shared/errors.js';
import { audit } from '../shared/audit.js';
import { inTransaction, query, queryOne, type Em } from '../db/sql.js';
import { titlesOf } from '../catalog/catalog.lookup.js';
import { returnStock } from '../catalog/catalog.stock.js';
import { lockUser, resolveUserId } from '../membership/user.lock.js';
import { canTransition } from './orders.rules.js';
import { titleIds, toOrderView, type OrderRow, type OrderView } from './orders.views.js';
import { isEnrolled } from './redemption.price.js';
import { createRedemptionService } from './redemption.service.js';
import type { RedemptionDeps } from './redemption.types.js';

export type { Address } from './redemption.types.js';

export type OrdersService = ReturnType<typeof createOrdersService>;

const WITH_CODES = `select o.*, (select coalesce(json_agg(cc.code order by cc.code), '[]'::json)
    from coupon_code cc where cc.order_id = o.id) as coupon_codes from shop_order o`;

export function createOrdersService(deps: RedemptionDeps) {
  const views = async (em: Em, rows: OrderRow[]) => {
    const titles = await titlesOf(em, titleIds(rows));
    return rows.map((r) => toOrderView(r, titles));
  };

  async function listOrders(
    userId: number,
    opts: { limit?: number; cursor?: number; status?: string } = {},
  ): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    const id = await resolveUserId(deps.em, userId);
    const limit = opts.limit ?? 20;
    const rows = await query<OrderRow>(
      deps.em,
      `${WITH_CODES}
        where o.user_id = ? and (?::bigint is null or o.id < ?::bigint) and (?::text is null or o.status = ?)
        order by o.id desc limit ?`,
      [
        id,
        opts.cursor ?? null,
        opts.cursor ?? null,
        opts.status ?? null,
        opts.status ?? null,
        limit + 1,
      ],
    );
    const items = await views(deps.em, rows.slice(0, limit));
    return {
      items,
      nextCursor: rows.length > limit ? String(items[items.length - 1]!.orderId) : null,
    };
  }

  async function getOrder(orderId: number, userId?: number): Promise<OrderView> {
    const row = await queryOne<OrderRow>(deps.em, `${WITH_CODES} where o.id = ?`, [orderId]);
    if (
      !row ||
      (userId !== undefined && Number(row.user_id) !== (await resolveUserId(deps.em, userId)))
    ) {
      throw new DomainError(
        'order_not_found',
        `no order ${orderId}${userId !== undefined ? ' for this user' : ''}`,
      );
    }
    return (await views(deps.em, [row]))[0]!;
  }

  /** Physical orders: placed → shipped → delivered, or cancelled (points and stock returned). */
  async function setStatus(
    orderId: number,
    to: 'shipped' | 'delivered' | 'cancelled',
    actor: string,
    opts: { userId?: number; note?: string } = {},
  ): Promise<OrderView> {
    await inTransaction(deps.em, async (tx) => {
      const o = await queryOne<{
        id: string;
        user_id: string;
        item_id: string | null;
        status: string;
        entry_id: string | null;
        quantity: number;
        kind: string;
      }>(
        tx,
        `select id, user_id, item_id, status, entry_id, quantity, kind from shop_order where id = ? for update`,
        [orderId],
      );
      if (
        !o ||
        (opts.userId !== undefined && Number(o.user_id) !== (await resolveUserId(tx, opts.userId)))
      )
        throw new DomainError('order_not_found', `no order ${orderId}`);
      if (
        o.kind !== 'item' ||
        !['placed', 'shipped', 'delivered', 'cancelled'].includes(o.status)
      ) {
        throw new DomainError('invalid_state', 'only physical mall orders change status this way', {
          status: o.status,
        });
      }
      if (opts.userId !== undefined && !(to === 'cancelled' && o.status === 'placed')) {
        throw new DomainError('invalid_state', 'you can cancel an order only before it ships', {
          status: o.status,
        });
      }
      if (!canTransition(o.status, to))
        throw new DomainError('invalid_state', `an order that is ${o.status} cannot become ${to}`, {
          status: o.status,
        });
      const now = deps.clock.now().toISOString();
      await query(
        tx,
        `update shop_order set status = ?, updated_at = ?::timestamptz, status_history = status_history || ?::jsonb where id = ?`,
        [
          to,
          now,
          JSON.stringify([{ status: to, at: now, by: actor, note: opts.note ?? null }]),
          orderId,
        ],
      );
      if (to === 'cancelled') {
        await lockUser(tx, Number(o.user_id));
        if (o.entry_id)
          await deps.ledger.reverse(
            {
              entryId: Number(o.entry_id),
              key: `order:${orderId}:cancel`,
              actor,
              reason: 'order cancelled: points returned',
            },
            tx,
          );
        if (o.item_id) await returnStock(tx, Number(o.item_id), o.quantity);
      }
      await audit(tx, {
        actor,
        action: `order.${to}`,
        subject: `order:${orderId}`,
        details: { from: o.status, note: opts.note ?? null },
      });
    });
    return getOrder(orderId);
  }

  async function enrollments(userId: number) {
    const id = await resolveUserId(deps.em, userId);
    const rows = await query<{
      course_id: string;
      source: string;
      created_at: Date;
      order_id: string | null;
    }>(
      deps.em,
      `select course_id, source, created_at, order_id from enrollment
        where user_id = ? and status = 'active' order by id`,
      [id],
    );
    const { courses } = await titlesOf(deps.em, {
      courseIds: rows.map((r) => Number(r.course_id)),
      itemIds: [],
    });
    return rows.map((r) => {
      const c = courses.get(Number(r.course_id))!;
      return {
        slug: c.slug,
        titleZh: c.titleZh,
        titleEn: c.titleEn,
        source: r.source,
        orderId: r.order_id ? Number(r.order_id) : null,
        enrolledAt: new Date(r.created_at).toISOString(),
      };
    });
  }

  return {
    ...createRedemptionService(deps),
    listOrders,
    getOrder,
    setStatus,
    enrollments,
    isEnrolled,
  };
}

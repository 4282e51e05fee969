// The one shape of an order for every channel (REST, assistant, bots).
import type { CatalogTitles } from '../catalog/catalog.lookup.js';

export interface OrderView {
  orderId: number;
  userId: number;
  kind: 'course' | 'item' | 'paid_course';
  status: string;
  course: { slug: string; titleZh: string; titleEn: string } | null;
  item: { slug: string; titleZh: string; titleEn: string; kind: string } | null;
  quantity: number;
  unitPoints: number;
  pointsCharged: number;
  discountPct: number;
  priceFen: number;
  couponFen: number;
  amountFen: number;
  couponCodes: string[];
  address: Record<string, unknown> | null;
  payUrl: string | null;
  paymentExpiresAt: string | null;
  paidAt: string | null;
  refundableUntil: string | null;
  refundedAt: string | null;
  statusHistory: unknown[];
  createdAt: string;
}

/** A shop_order row as the database returns it, with its coupon codes aggregated. */
export interface OrderRow {
  id: string;
  user_id: string;
  kind: OrderView['kind'];
  status: string;
  course_id: string | null;
  item_id: string | null;
  quantity: number;
  unit_points: string;
  points_charged: string;
  discount_pct: number;
  price_fen: string;
  coupon_fen: string;
  amount_fen: string;
  coupon_codes?: string[] | null;
  address: Record<string, unknown> | null;
  pay_url: string | null;
  expires_at: Date | null;
  paid_at: Date | null;
  refund_window_ends_at: Date | null;
  refunded_at: Date | null;
  status_history: unknown[] | null;
  created_at: Date;
}

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());

export function toOrderView(r: OrderRow, titles: CatalogTitles): OrderView {
  return {
    orderId: Number(r.id),
    userId: Number(r.user_id),
    kind: r.kind,
    status: r.status,
    course: (r.course_id && titles.courses.get(Number(r.course_id))) || null,
    item: (r.item_id && titles.items.get(Number(r.item_id))) || null,
    quantity: r.quantity,
    unitPoints: Number(r.unit_points),
    pointsCharged: Number(r.points_charged),
    discountPct: r.discount_pct,
    priceFen: Number(r.price_fen),
    couponFen: Number(r.coupon_fen),
    amountFen: Number(r.amount_fen),
    couponCodes: r.coupon_codes ?? [],
    address: r.address ?? null,
    payUrl: r.status === 'pending_payment' ? r.pay_url : null,
    paymentExpiresAt: r.kind === 'paid_course' ? iso(r.expires_at) : null,
    paidAt: iso(r.paid_at),
    refundableUntil: r.status === 'paid' ? iso(r.refund_window_ends_at) : null,
    refundedAt: iso(r.refunded_at),
    statusHistory: r.status_history ?? [],
    createdAt: iso(r.created_at)!,
  };
}

/** The course and item titles a page of orders shows, in one catalog look-up. */
export function titleIds(rows: OrderRow[]) {
  const ids = (k: 'course_id' | 'item_id') => [
    ...new Set(rows.flatMap((r) => (r[k] == null ? [] : [Number(r[k])]))),
  ];
  return { courseIds: ids('course_id'), itemIds: ids('item_id') };
}

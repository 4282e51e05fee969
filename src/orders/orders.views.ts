// The one shape of an order for every channel (REST, assistant, bots).

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

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());

export function toOrderView(r: Record<string, any>): OrderView {
  return {
    orderId: Number(r.id),
    userId: Number(r.user_id),
    kind: r.kind,
    status: r.status,
    course: r.course_slug
      ? { slug: r.course_slug, titleZh: r.course_title_zh, titleEn: r.course_title_en }
      : null,
    item: r.item_slug
      ? { slug: r.item_slug, titleZh: r.item_title_zh, titleEn: r.item_title_en, kind: r.item_kind }
      : null,
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

// The shape of every reply text the assistant can give, implemented once per language
// (replies.zh.ts, replies.en.ts). Handlers pass plain data; templates own the wording and the
// locale's number and date formats.
import type { Lang } from '../assistant.types.js';

export interface CourseLine {
  slug: string;
  title: string;
  pointsPrice: number;
  priceFen: number;
  category: string;
  vipFree?: boolean;
  membersOnly?: string | null;
}

export interface ItemLine {
  slug: string;
  title: string;
  pointsPrice: number;
  stock: number | null;
  kind: string;
}

export interface EntryLine {
  amount: number;
  kind: string;
  reason: string;
  createdAt: string;
}

export interface OrderLine {
  id: number;
  title: string;
  status: string;
  pointsCharged: number;
  createdAt: string;
  code?: string | null;
}

export interface Quote {
  title: string;
  cost: number;
  balanceAfter: number;
  available: number;
  discountPercent: number;
  quantity: number;
  expiresInMinutes: number;
}

export interface RankLine {
  rank: number;
  name: string;
  points: number;
  me?: boolean;
}

export interface Templates {
  lang: Lang;
  num(n: number): string;
  money(fen: number): string;
  date(iso: string): string;
  /** The text of this language from a pair kept in both (a course title, a category name). */
  pick(zh: string, en: string): string;
  greeting(name?: string | null): string;
  thanks(): string;
  help(): string;
  outOfScope(): string;
  balance(b: {
    balance: number;
    available: number;
    held: number;
    pending: number;
    expiring: { amount: number; expiresAt: string }[];
  }): string;
  history(entries: EntryLine[]): string;
  entryKind(kind: string): string;
  earnGuide(rules: { title: string; points: string }[]): string;
  checkedIn(r: { points: number; streak: number; balance: number }): string;
  alreadyCheckedIn(streak: number): string;
  invite(r: { link: string; code: string; rewardNow: number; rewardPurchase: number }): string;
  courseList(r: {
    courses: CourseLine[];
    page: number;
    pages: number;
    topic?: string | null;
  }): string;
  courseDetail(
    c: CourseLine & { description: string; rating?: { average: number | null; count: number } },
  ): string;
  recommend(r: { courses: CourseLine[]; basedOn: 'history' | 'popular' }): string;
  askWhichCourse(action: 'redeem' | 'buy' | 'detail'): string;
  askWhichItem(): string;
  askQuantity(item: string): string;
  askAddress(item: string): string;
  quote(q: Quote): string;
  quoteInsufficient(q: { title: string; cost: number; available: number }): string;
  redeemed(r: {
    title: string;
    pointsCharged: number;
    balance: number;
    orderId: number;
    code?: string | null;
    extra?: string | null;
  }): string;
  cancelled(): string;
  confirmationExpired(): string;
  nothingToConfirm(): string;
  payLink(r: { title: string; priceFen: number; maxDeductionPoints: number; url: string }): string;
  mallList(items: ItemLine[]): string;
  orders(orders: OrderLine[]): string;
  orderStatus(status: string): string;
  refundStarted(r: { title: string; amountFen: number }): string;
  refundNotPossible(reason: string): string;
  membership(m: {
    tier: string;
    multiplier: number;
    discountPercent: number;
    earned365: number;
    nextTier: string | null;
    toNext: number | null;
    perks: string[];
  }): string;
  upgradePath(m: {
    tier: string;
    nextTier: string | null;
    toNext: number | null;
    trialItem?: string;
  }): string;
  tierName(tier: string): string;
  expiry(e: { expiring: { amount: number; expiresAt: string }[]; months: number }): string;
  leaderboard(r: { period: string; rows: RankLine[]; community?: string | null }): string;
  handoff(ticketId: number): string;
  faq(answer: string): string;
  granted(r: { amount: number; user: string; reason: string; balance: number }): string;
  grantUndone(r: { amount: number; user: string }): string;
  grantUsage(): string;
  notModerator(): string;
  linkCode(code: string, minutes: number): string;
  linked(): string;
  error(code: string, message?: string): string;
  courseCard(c: { pointsPrice: number; priceFen: number }): string;
  perks: { vipFree: string; membersOnly: string; trialUntil(iso: string): string };
  vipTrialUntil(iso: string): string;
  whichOrderToRefund(): string;
  refundWindowPassed(orderId: number): string;
  nothingToRefund(): string;
  addressNotUnderstood(): string;
  grantTooLarge(maxPerGrant: number): string;
  grantDailyLimit(r: { dailyMax: number; left: number }): string;
  grantNotNow(): string;
  unknownUser(username?: string): string;
  nothingToUndo(): string;
  buttons: {
    confirm: string;
    cancel: string;
    next: string;
    prev: string;
    redeem: string;
    buy: string;
    details: string;
    pay: string;
    myPoints: string;
    checkIn: string;
    invite: string;
    courses: string;
    mall: string;
    earnPoints: string;
    howToEarn: string;
    whatCanYouDo: string;
    usePoints(points: number): string;
    period: Record<'all' | 'week' | 'month', string>;
  };
}

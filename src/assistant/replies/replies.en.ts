// English reply templates. Numbers and dates in en-US format.
import type { Templates } from './replies.types.js';
import { formatters } from './replies.format.js';

const { num, money, date, lastDay } = formatters('en-US', 'short');
const pts = (n: number) => `${num(n)} point${n === 1 ? '' : 's'}`;

const TIERS: Record<string, string> = { normal: 'Normal', advanced: 'Advanced', vip: 'VIP' };
const KINDS: Record<string, string> = {
  'earn.purchase': 'course purchase',
  'earn.task': 'learning task',
  'earn.checkin': 'daily check-in',
  'earn.referral': 'referral',
  'grant.moderator': 'moderator grant',
  'grant.admin': 'grant',
  'redeem.course': 'course redemption',
  'redeem.item': 'mall redemption',
  'checkout.deduction': 'checkout deduction',
  expire: 'expired',
  reverse: 'reversal',
  'deduct.admin': 'deduction',
  'deduct.hold': 'redemption',
};
const STATUS: Record<string, string> = {
  placed: 'placed',
  shipped: 'shipped',
  delivered: 'delivered',
  cancelled: 'cancelled',
  completed: 'completed',
  pending_payment: 'awaiting payment',
  paid: 'paid',
  refunded: 'refunded',
  failed: 'payment failed',
  expired: 'expired',
};

export const en: Templates = {
  lang: 'en',
  num,
  money,
  date,
  pick: (_zh, en) => en,
  greeting: (name) =>
    `Hi${name ? ` ${name}` : ''}! I'm the xuefen assistant 👋 I can check your points, check you in, show courses and redeem points for courses and goods. Say "help" to see everything.`,
  thanks: () => "You're welcome! I'm here whenever you need me 😊",
  help: () =>
    [
      'I can help you:',
      '• check your points and history ("how many points do I have")',
      '• check in daily ("check in")',
      '• browse and get course recommendations ("list courses", "what should I learn next")',
      '• redeem points for courses or mall items ("redeem the pandas course", "exchange points for a notebook")',
      '• buy courses, track orders, ask for refunds',
      '• membership tiers, point expiry, leaderboard, invite friends',
      '• talk to a person ("human agent")',
    ].join('\n'),
  outOfScope: () =>
    'Sorry, I can\'t help with that 🙏 I can check your points, check you in, browse and redeem courses, and show the points mall. Say "help" to see everything.',
  balance: (b) => {
    const lines = [`Your balance: ${pts(b.balance)}, ${num(b.available)} available.`];
    if (b.held) lines.push(`${pts(b.held)} are reserved for a redemption awaiting confirmation.`);
    if (b.pending)
      lines.push(
        `${pts(b.pending)} from purchases become spendable when the refund window closes.`,
      );
    const soon = b.expiring.slice(0, 2);
    if (soon.length)
      lines.push(
        `Expiring: ${soon.map((e) => `${pts(e.amount)} on ${lastDay(e.expiresAt)}`).join('; ')}.`,
      );
    return lines.join('\n');
  },
  history: (entries) =>
    entries.length
      ? [
          'Your recent points:',
          ...entries.map(
            (e) =>
              `${date(e.createdAt)}  ${e.amount > 0 ? '+' : ''}${num(e.amount)}  ${KINDS[e.kind] ?? e.kind}${e.reason ? ` (${e.reason})` : ''}`,
          ),
        ].join('\n')
      : 'No points activity yet. Try "check in" to earn your first points!',
  entryKind: (k) => KINDS[k] ?? k,
  earnGuide: (rules) =>
    ['Ways to earn points:', ...rules.map((r) => `• ${r.title}: ${r.points}`)].join('\n'),
  checkedIn: (r) =>
    `Checked in ✅ +${pts(r.points)}, ${num(r.streak)}-day streak. Balance: ${pts(r.balance)}.`,
  alreadyCheckedIn: (streak) =>
    `You've already checked in today (${num(streak)}-day streak). See you tomorrow!`,
  invite: (r) =>
    `Invite friends to learn with you:\n${r.link}\nCode: ${r.code}\nYou get ${pts(r.rewardNow)} when they first show up and ${pts(r.rewardPurchase)} more at their first purchase.`,
  courseList: (r) =>
    r.courses.length
      ? [
          `${r.topic ? `${r.topic} courses` : 'Courses'} (page ${r.page}/${r.pages}):`,
          ...r.courses.map(
            (c) =>
              `• ${c.title} — ${money(c.priceFen)} or ${pts(c.pointsPrice)}${c.vipFree ? ' (free for VIP)' : ''}`,
          ),
        ].join('\n')
      : 'No matching courses.',
  courseDetail: (c) =>
    [
      `📘 ${c.title}`,
      c.description,
      `Price ${money(c.priceFen)}, or ${pts(c.pointsPrice)}${c.vipFree ? '; free for VIP' : ''}${c.membersOnly ? `; ${TIERS[c.membersOnly] ?? c.membersOnly} members only` : ''}.`,
      c.rating && c.rating.count
        ? `Rated ${c.rating.average?.toFixed(1)} (${num(c.rating.count)} reviews)`
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  recommend: (r) =>
    [
      r.basedOn === 'history' ? 'Based on your courses, you might like:' : 'Popular right now:',
      ...r.courses.map((c) => `• ${c.title} (${pts(c.pointsPrice)})`),
    ].join('\n'),
  askWhichCourse: (a) =>
    a === 'buy'
      ? 'Which course would you like to buy?'
      : a === 'detail'
        ? 'Which course would you like to know about?'
        : 'Which course would you like to redeem with points?',
  askWhichItem: () => 'Which mall item would you like?',
  askQuantity: (item) => `How many "${item}" would you like?`,
  askAddress: (item) =>
    `"${item}" ships by post: please send your shipping address (name, phone, full address).`,
  quote: (q) =>
    `Redeem "${q.title}"${q.quantity > 1 ? ` ×${q.quantity}` : ''}?\nIt costs ${pts(q.cost)}${q.discountPercent ? ` (your ${q.discountPercent}% member discount applied)` : ''}; your balance after will be ${pts(q.balanceAfter)}.\nPlease confirm within ${q.expiresInMinutes} minutes.`,
  quoteInsufficient: (q) =>
    `"${q.title}" costs ${pts(q.cost)} and you have ${pts(q.available)} available — ${pts(q.cost - q.available)} short. Ask "how can I earn points" for ideas.`,
  redeemed: (r) =>
    `Done 🎉 "${r.title}" is yours for ${pts(r.pointsCharged)}. Balance: ${pts(r.balance)}. Order #${r.orderId}.${r.code ? `\nCode: ${r.code}` : ''}${r.extra ? `\n${r.extra}` : ''}`,
  cancelled: () => 'Cancelled — the points are available again.',
  confirmationExpired: () =>
    'That confirmation has expired and the points were released. Start the redemption again if you still want it.',
  nothingToConfirm: () => 'There is nothing waiting for confirmation.',
  payLink: (r) =>
    `Buy "${r.title}" for ${money(r.priceFen)}. Up to ${pts(r.maxDeductionPoints)} can pay part of it.\nPay here: ${r.url}`,
  mallList: (items) =>
    [
      'Points mall:',
      ...items.map(
        (i) =>
          `• ${i.title} — ${pts(i.pointsPrice)}${i.stock === null ? '' : i.stock > 0 ? ` (${num(i.stock)} left)` : ' (sold out)'}`,
      ),
    ].join('\n'),
  orders: (orders) =>
    orders.length
      ? [
          'Your orders:',
          ...orders.map(
            (o) =>
              `#${o.id} ${o.title} — ${STATUS[o.status] ?? o.status}${o.pointsCharged ? `, ${pts(o.pointsCharged)}` : ''} (${date(o.createdAt)})${o.code ? `\n   code ${o.code}` : ''}`,
          ),
        ].join('\n')
      : "You don't have any orders yet.",
  orderStatus: (s) => STATUS[s] ?? s,
  refundStarted: (r) =>
    `Refund of ${money(r.amountFen)} for "${r.title}" started; points were adjusted and the money goes back to your payment method.`,
  refundNotPossible: (reason) => `A refund isn't possible: ${reason}`,
  membership: (m) =>
    [
      `You are ${TIERS[m.tier] ?? m.tier}: ${m.multiplier}× points${m.discountPercent ? `, ${m.discountPercent}% off redemptions` : ''}.`,
      `Points earned in the last 365 days: ${num(m.earned365)}.`,
      m.nextTier
        ? `${pts(m.toNext ?? 0)} more to reach ${TIERS[m.nextTier] ?? m.nextTier}.`
        : "You're at the top tier 👑",
      ...(m.perks.length ? [`Perks: ${m.perks.join(', ')}`] : []),
    ].join('\n'),
  upgradePath: (m) =>
    m.nextTier
      ? `Tiers follow the points you earn in a rolling 365 days. You need ${pts(m.toNext ?? 0)} more for ${TIERS[m.nextTier] ?? m.nextTier}.${m.trialItem ? `\nOr redeem the "${m.trialItem}" in the mall to try VIP for 7 days.` : ''}`
      : "You're already VIP — the top tier 👑",
  tierName: (t) => TIERS[t] ?? t,
  expiry: (e) =>
    [
      `Points expire at the end of the ${e.months}th month after you earn them; the oldest are spent first.`,
      e.expiring.length
        ? `Expiring soon: ${e.expiring
            .slice(0, 3)
            .map((x) => `${pts(x.amount)} on ${lastDay(x.expiresAt)}`)
            .join('; ')}`
        : 'None of your points expire soon.',
    ].join('\n'),
  leaderboard: (r) =>
    r.rows.length
      ? [
          `Leaderboard (${r.period === 'week' ? 'this week' : r.period === 'month' ? 'this month' : 'all time'}):`,
          ...r.rows.map((x) => `${x.rank}. ${x.name} — ${num(x.points)}${x.me ? ' ← you' : ''}`),
        ].join('\n')
      : 'The leaderboard is empty so far.',
  handoff: (id) =>
    `I've passed you to a person: ticket #${id}. Someone from the team will get back to you soon.`,
  faq: (answer) => answer,
  granted: (r) =>
    `Granted ${pts(r.amount)} to ${r.user} (${r.reason}). Their balance: ${pts(r.balance)}.`,
  grantUndone: (r) => `Reversed the grant of ${pts(r.amount)} to ${r.user}.`,
  grantUsage: () =>
    'Usage: /grant @user amount reason (e.g. /grant @alice 50 great notes), or reply to their message with /grant 50 reason.',
  notModerator: () => 'Only chat admins and moderators can grant points.',
  linkCode: (code, minutes) =>
    `Your link code: ${code} (valid ${minutes} minutes). Send "/link ${code}" to me on your other platform to merge the accounts.`,
  linked: () => 'Accounts merged — your points and courses are all here ✅',
  error: (code, message) =>
    ({
      insufficient_points: "You don't have enough points.",
      out_of_stock: 'Sorry, that item is out of stock.',
      already_enrolled: 'You already own this course — no need to redeem it again.',
      limit_reached: "You've reached the limit for this item.",
      tier_required: `This course needs a higher membership tier. ${message ?? ''}`,
      not_found: "I couldn't find that.",
      rate_limited: 'Too many requests — please try again in a moment.',
      payments_unavailable:
        "Paying with money isn't available right now. You can still redeem courses with points.",
    })[code] ?? `Something went wrong: ${message ?? code}`,
  courseCard: (c) => `${num(c.pointsPrice)} points · ${money(c.priceFen)}`,
  perks: {
    vipFree: 'VIP-free courses',
    membersOnly: 'members-only courses',
    trialUntil: (iso) => `trial until ${date(iso)}`,
  },
  vipTrialUntil: (iso) => `VIP until ${date(iso)}`,
  whichOrderToRefund: () => 'Which order would you like refunded?',
  refundWindowPassed: (id) => `order #${id} is past its 7-day refund window.`,
  nothingToRefund: () =>
    'you have no paid course order to refund (points redemptions are final; physical orders can be cancelled before shipping).',
  addressNotUnderstood: () =>
    'I couldn\'t read that address 🙏 Please send "name, phone, full address", e.g. Jane Doe, +86 138 0013 8000, 1 Century Ave, Shanghai',
  grantTooLarge: (max) => `A grant can be at most ${num(max)} points.`,
  grantDailyLimit: (r) =>
    `A moderator can grant at most ${num(r.dailyMax)} points a day; ${num(r.left)} left today.`,
  grantNotNow: () => 'Points cannot be granted right now.',
  unknownUser: (username) =>
    `I don't know ${username ? `@${username}` : 'that user'} yet: ask them to message me first, or reply to their message.`,
  nothingToUndo: () => 'There is no grant of yours to undo.',
  buttons: {
    confirm: '✅ Confirm',
    cancel: 'Cancel',
    next: 'Next ›',
    prev: '‹ Prev',
    redeem: 'Redeem',
    buy: 'Buy',
    details: 'Details',
    pay: 'Pay',
    myPoints: 'My points',
    checkIn: 'Check in',
    invite: 'Invite friends',
    courses: 'Courses',
    mall: 'Points mall',
    earnPoints: 'Earn points',
    howToEarn: 'How to earn points',
    whatCanYouDo: 'What can you do?',
    usePoints: (n) => `Use ${num(n)} points`,
    period: { all: 'All time', week: 'This week', month: 'This month' },
  },
};

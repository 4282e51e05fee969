// 中文回复模板。数字与日期按 zh-CN 格式化。
import type { Templates } from './replies.types.js';
import { formatters } from './replies.format.js';

const { num, money, date, lastDay } = formatters('zh-CN', 'long');

const TIERS: Record<string, string> = { normal: '普通会员', advanced: '高级会员', vip: 'VIP 会员' };
const KINDS: Record<string, string> = {
  'earn.purchase': '购课奖励',
  'earn.task': '学习任务',
  'earn.checkin': '每日签到',
  'earn.referral': '邀请奖励',
  'grant.moderator': '版主奖励',
  'grant.admin': '平台发放',
  'redeem.course': '兑换课程',
  'redeem.item': '商城兑换',
  'checkout.deduction': '购课抵扣',
  expire: '积分过期',
  reverse: '冲正',
  'deduct.admin': '平台扣除',
  'deduct.hold': '兑换扣除',
};
const STATUS: Record<string, string> = {
  placed: '已下单',
  shipped: '已发货',
  delivered: '已送达',
  cancelled: '已取消',
  completed: '已完成',
  pending_payment: '待支付',
  paid: '已支付',
  refunded: '已退款',
  failed: '支付失败',
  expired: '已过期',
};

export const zh: Templates = {
  lang: 'zh',
  num,
  money,
  date,
  pick: (zh) => zh,
  greeting: (name) =>
    `你好${name ? `，${name}` : ''}！我是学分助手 👋 可以帮你查积分、签到、看课程、用积分兑换课程和商品。发送「帮助」看看我能做什么。`,
  thanks: () => '不客气！有需要随时找我 😊',
  help: () =>
    [
      '我可以帮你：',
      '• 查积分余额和明细（「我有多少积分」）',
      '• 每日签到（「签到」）',
      '• 看课程、推荐课程（「有哪些课」「推荐几门课」）',
      '• 用积分兑换课程或商城商品（「用积分兑换Python课」「换一个保温杯」）',
      '• 购买课程、查订单、申请退款',
      '• 会员等级与升级、积分有效期、排行榜、邀请好友',
      '• 转人工客服（「转人工」）',
    ].join('\n'),
  outOfScope: () =>
    '抱歉，这个问题我帮不上忙 🙏 我可以帮你查积分、签到、浏览和兑换课程、逛积分商城。发送「帮助」查看全部功能。',
  balance: (b) => {
    const lines = [`你的积分余额：${num(b.balance)} 分，可用 ${num(b.available)} 分。`];
    if (b.held) lines.push(`其中 ${num(b.held)} 分正在兑换确认中。`);
    if (b.pending) lines.push(`另有 ${num(b.pending)} 分购课积分待到账（退款期结束后可用）。`);
    const soon = b.expiring.slice(0, 2);
    if (soon.length)
      lines.push(
        `即将过期：${soon.map((e) => `${num(e.amount)} 分将于 ${lastDay(e.expiresAt)} 到期`).join('；')}。`,
      );
    return lines.join('\n');
  },
  history: (entries) =>
    entries.length
      ? [
          '最近的积分明细：',
          ...entries.map(
            (e) =>
              `${date(e.createdAt)}  ${e.amount > 0 ? '+' : ''}${num(e.amount)}  ${KINDS[e.kind] ?? e.kind}${e.reason ? `（${e.reason}）` : ''}`,
          ),
        ].join('\n')
      : '你还没有积分记录。试试「签到」赚第一笔积分吧！',
  entryKind: (k) => KINDS[k] ?? k,
  earnGuide: (rules) =>
    ['赚积分的方法：', ...rules.map((r) => `• ${r.title}：${r.points}`)].join('\n'),
  checkedIn: (r) =>
    `签到成功 ✅ 获得 ${num(r.points)} 分，已连续签到 ${num(r.streak)} 天。当前余额 ${num(r.balance)} 分。`,
  alreadyCheckedIn: (streak) => `今天已经签到过啦，已连续 ${num(streak)} 天，明天再来哦！`,
  invite: (r) =>
    `邀请好友一起学习：\n${r.link}\n邀请码：${r.code}\n好友首次使用你得 ${num(r.rewardNow)} 分，好友首次购课再得 ${num(r.rewardPurchase)} 分。`,
  courseList: (r) =>
    r.courses.length
      ? [
          `${r.topic ? `「${r.topic}」相关` : '全部'}课程（第 ${r.page}/${r.pages} 页）：`,
          ...r.courses.map(
            (c) =>
              `• ${c.title} — ${money(c.priceFen)}，或 ${num(c.pointsPrice)} 积分${c.vipFree ? '（VIP 免费）' : ''}`,
          ),
        ].join('\n')
      : '没有找到相关课程。',
  courseDetail: (c) =>
    [
      `📘 ${c.title}`,
      c.description,
      `价格 ${money(c.priceFen)}，积分兑换 ${num(c.pointsPrice)} 分${c.vipFree ? '，VIP 免费' : ''}${c.membersOnly ? `，仅限${TIERS[c.membersOnly] ?? c.membersOnly}` : ''}。`,
      c.rating && c.rating.count
        ? `评分 ${c.rating.average?.toFixed(1)}（${num(c.rating.count)} 条评价）`
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  recommend: (r) =>
    [
      r.basedOn === 'history' ? '根据你学过的课程，推荐：' : '大家都在学：',
      ...r.courses.map((c) => `• ${c.title}（${num(c.pointsPrice)} 积分）`),
    ].join('\n'),
  askWhichCourse: (a) =>
    a === 'buy'
      ? '你想购买哪门课程？'
      : a === 'detail'
        ? '你想了解哪门课程？'
        : '你想用积分兑换哪门课程？',
  askWhichItem: () => '你想兑换商城里的哪件商品？',
  askQuantity: (item) => `要兑换几件「${item}」？`,
  askAddress: (item) => `「${item}」需要邮寄，请发送收货地址（姓名、电话、详细地址）。`,
  quote: (q) =>
    `确认兑换「${q.title}」${q.quantity > 1 ? ` ×${q.quantity}` : ''}？\n需要 ${num(q.cost)} 积分${q.discountPercent ? `（已享会员 ${q.discountPercent}% 折扣）` : ''}，兑换后余额 ${num(q.balanceAfter)} 分。\n请在 ${q.expiresInMinutes} 分钟内确认。`,
  quoteInsufficient: (q) =>
    `「${q.title}」需要 ${num(q.cost)} 积分，你目前可用 ${num(q.available)} 分，还差 ${num(q.cost - q.available)} 分。发送「怎么赚积分」看看吧。`,
  redeemed: (r) =>
    `兑换成功 🎉「${r.title}」已到账，扣除 ${num(r.pointsCharged)} 积分，余额 ${num(r.balance)} 分。订单号 #${r.orderId}。${r.code ? `\n兑换码：${r.code}` : ''}${r.extra ? `\n${r.extra}` : ''}`,
  cancelled: () => '已取消，积分已退回可用余额。',
  confirmationExpired: () => '这次兑换确认已过期，积分已释放。需要的话请重新发起兑换。',
  nothingToConfirm: () => '没有待确认的兑换。',
  payLink: (r) =>
    `购买「${r.title}」：${money(r.priceFen)}。最多可用 ${num(r.maxDeductionPoints)} 积分抵扣。\n点击付款：${r.url}`,
  mallList: (items) =>
    [
      '积分商城：',
      ...items.map(
        (i) =>
          `• ${i.title} — ${num(i.pointsPrice)} 积分${i.stock === null ? '' : i.stock > 0 ? `（剩 ${num(i.stock)} 件）` : '（已兑完）'}`,
      ),
    ].join('\n'),
  orders: (orders) =>
    orders.length
      ? [
          '你的订单：',
          ...orders.map(
            (o) =>
              `#${o.id} ${o.title} — ${STATUS[o.status] ?? o.status}${o.pointsCharged ? `，${num(o.pointsCharged)} 积分` : ''}（${date(o.createdAt)}）${o.code ? `\n   兑换码 ${o.code}` : ''}`,
          ),
        ].join('\n')
      : '你还没有订单。',
  orderStatus: (s) => STATUS[s] ?? s,
  refundStarted: (r) =>
    `已为「${r.title}」发起退款 ${money(r.amountFen)}，相关积分已处理，款项将原路退回。`,
  refundNotPossible: (reason) => `暂时无法退款：${reason}`,
  membership: (m) =>
    [
      `你是${TIERS[m.tier] ?? m.tier}：积分 ${m.multiplier} 倍，兑换 ${m.discountPercent ? `${(100 - m.discountPercent) / 10} 折` : '无折扣'}。`,
      `近 365 天获得 ${num(m.earned365)} 积分。`,
      m.nextTier
        ? `再获得 ${num(m.toNext ?? 0)} 分即可升级为${TIERS[m.nextTier] ?? m.nextTier}。`
        : '你已是最高等级 👑',
      ...(m.perks.length ? [`专属权益：${m.perks.join('、')}`] : []),
    ].join('\n'),
  upgradePath: (m) =>
    m.nextTier
      ? `升级方法：近 365 天累计获得积分达到门槛即自动升级。你距离${TIERS[m.nextTier] ?? m.nextTier}还差 ${num(m.toNext ?? 0)} 分。${m.trialItem ? `\n也可以在积分商城兑换「${m.trialItem}」体验 VIP 7 天。` : ''}`
      : '你已经是 VIP 会员，享受最高权益 👑',
  tierName: (t) => TIERS[t] ?? t,
  expiry: (e) =>
    [
      `积分在获得后第 ${e.months} 个月的月底过期，先到期的先使用。`,
      e.expiring.length
        ? `你即将过期的积分：${e.expiring
            .slice(0, 3)
            .map((x) => `${num(x.amount)} 分（${lastDay(x.expiresAt)}）`)
            .join('；')}`
        : '你目前没有即将过期的积分。',
    ].join('\n'),
  leaderboard: (r) =>
    r.rows.length
      ? [
          `积分排行榜（${r.period === 'week' ? '本周' : r.period === 'month' ? '本月' : '总榜'}）：`,
          ...r.rows.map((x) => `${x.rank}. ${x.name} — ${num(x.points)} 分${x.me ? ' ← 你' : ''}`),
        ].join('\n')
      : '排行榜还没有数据。',
  handoff: (id) => `已为你转接人工客服，工单号 #${id}。客服会尽快联系你。`,
  faq: (answer) => answer,
  granted: (r) =>
    `已给 ${r.user} 发放 ${num(r.amount)} 积分（${r.reason}），对方余额 ${num(r.balance)} 分。`,
  grantUndone: (r) => `已撤销给 ${r.user} 的 ${num(r.amount)} 积分。`,
  grantUsage: () =>
    '用法：/grant @用户 积分 原因（例如 /grant @alice 50 分享笔记），或回复对方消息发送 /grant 50 原因。',
  notModerator: () => '只有本群管理员或版主可以发放积分。',
  linkCode: (code, minutes) =>
    `你的绑定码：${code}（${minutes} 分钟内有效）。在另一个平台对我发送「/link ${code}」即可合并账号。`,
  linked: () => '账号已合并，积分和课程都在这里了 ✅',
  error: (code, message) =>
    ({
      insufficient_points: '积分不足。',
      out_of_stock: '这件商品已经兑完了。',
      already_enrolled: '你已经拥有这门课程了，无需再次兑换。',
      limit_reached: '已达到这件商品的兑换上限。',
      tier_required: `这门课程需要更高的会员等级。${message ?? ''}`,
      not_found: '没有找到。',
      rate_limited: '操作太频繁了，请稍后再试。',
      payments_unavailable: '暂时无法在线付款，你仍然可以用积分兑换课程。',
    })[code] ?? `出错了：${message ?? code}`,
  courseCard: (c) => `${num(c.pointsPrice)} 积分 · ${money(c.priceFen)}`,
  perks: {
    vipFree: 'VIP 免费课程',
    membersOnly: '会员专享课程',
    trialUntil: (iso) => `体验至 ${date(iso)}`,
  },
  vipTrialUntil: (iso) => `VIP 体验至 ${date(iso)}`,
  whichOrderToRefund: () => '你想退哪一笔订单？',
  refundWindowPassed: (id) => `订单 #${id} 已超过 7 天退款期。`,
  nothingToRefund: () =>
    '你没有可退款的付费课程订单（积分兑换不支持退款，实物订单可在发货前取消）。',
  addressNotUnderstood: () =>
    '没看懂这个地址 🙏 请按「姓名 电话 详细地址」发送，例如：张三 13800138000 上海市浦东新区世纪大道1号',
  grantTooLarge: (max) => `每次最多发放 ${num(max)} 积分。`,
  grantDailyLimit: (r) =>
    `每位管理员每天最多发放 ${num(r.dailyMax)} 积分，今天还可以发放 ${num(r.left)} 分。`,
  grantNotNow: () => '现在不能发放积分。',
  unknownUser: (username) =>
    `我还不认识 ${username ? `@${username}` : '这位用户'}：请对方先和我说句话，或回复对方的消息发放。`,
  nothingToUndo: () => '没有可以撤销的发放。',
  buttons: {
    confirm: '✅ 确认',
    cancel: '取消',
    next: '下一页 ›',
    prev: '‹ 上一页',
    redeem: '积分兑换',
    buy: '购买',
    details: '详情',
    pay: '去付款',
    myPoints: '查积分',
    checkIn: '签到',
    invite: '邀请好友',
    courses: '看课程',
    mall: '积分商城',
    earnPoints: '赚积分',
    howToEarn: '怎么赚积分',
    whatCanYouDo: '看看我能做什么',
    usePoints: (n) => `用 ${num(n)} 积分抵扣`,
    period: { all: '总榜', week: '本周', month: '本月' },
  },
};

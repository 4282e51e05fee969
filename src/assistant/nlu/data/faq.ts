// Seed FAQ knowledge base (zh + en). The service later loads and edits these from the
// database; the retriever only needs this shape. Numbers follow DESIGN.md section 2.

export interface FaqEntry {
  id: string;
  questions: { zh: string[]; en: string[] };
  answer: { zh: string; en: string };
}

export const SEED_FAQ: FaqEntry[] = [
  {
    id: 'points-how-earned',
    questions: {
      zh: ['积分怎么获得', '有哪些赚积分的方式', '积分来源有哪些'],
      en: [
        'how are points earned',
        'what are the ways to earn points',
        'where do points come from',
      ],
    },
    answer: {
      zh: '积分来源：购课（每付 1 元得 5 积分）、每日签到、课程测验、首次评价、邀请好友，以及社群管理员发放的任务积分。会员等级还会加倍。',
      en: 'You earn points by buying courses (5 points per ¥1 paid), daily check-in, passing lesson quizzes, your first review, inviting friends, and task grants from community moderators. Your tier multiplies what you earn.',
    },
  },
  {
    id: 'points-purchase-rate',
    questions: {
      zh: ['买课送多少积分', '消费一元得几积分', '购买课程返积分比例'],
      en: [
        'how many points do i get for buying a course',
        'points per yuan spent',
        'purchase points rate',
      ],
    },
    answer: {
      zh: '购买课程每实付 1 元得 5 积分（再乘以会员倍率）。',
      en: 'Course purchases earn 5 points per ¥1 actually paid, multiplied by your tier multiplier.',
    },
  },
  {
    id: 'checkin-rules',
    questions: {
      zh: ['签到给多少积分', '连续签到有奖励吗', '签到规则'],
      en: ['how many points for check-in', 'is there a streak bonus', 'check-in rules'],
    },
    answer: {
      zh: '每日签到得 10 积分；连续签到每天额外 +10，奖励最多 70 积分/天。断签后重新计算。',
      en: 'Daily check-in gives 10 points; each consecutive day adds +10 more, up to 70 points a day. Missing a day resets the streak.',
    },
  },
  {
    id: 'learning-tasks',
    questions: {
      zh: ['做测验有积分吗', '写评价给多少积分', '学习任务积分'],
      en: ['do quizzes give points', 'how many points for a review', 'learning task points'],
    },
    answer: {
      zh: '通过课程测验得 20 积分；对已报名课程的首次评价得 50 积分。',
      en: 'Passing a lesson quiz earns 20 points; your first review of an enrolled course earns 50 points.',
    },
  },
  {
    id: 'referral-rules',
    questions: {
      zh: ['邀请好友给多少积分', '推荐奖励规则', '好友首次购买我有奖励吗'],
      en: [
        'how many points for inviting a friend',
        'referral reward rules',
        'do i get points when my friend buys',
      ],
    },
    answer: {
      zh: '好友首次登录你得 500 积分，好友首次购课再得 1000 积分。每位好友只奖励一次，不能邀请自己。',
      en: 'You get 500 points when your invitee first logs in and 1,000 more at their first purchase. One reward per invitee; self-referral does not count.',
    },
  },
  {
    id: 'points-expiry',
    questions: {
      zh: ['积分会过期吗', '积分有效期多久', '积分什么时候清零'],
      en: ['do points expire', 'how long are points valid', 'when are points reset'],
    },
    answer: {
      zh: '积分在获得后第 12 个月的月底过期，先获得的积分先使用。',
      en: 'Points expire at the end of the 12th month after you earn them; the oldest points are spent first.',
    },
  },
  {
    id: 'expiry-warning',
    questions: {
      zh: ['积分过期前会提醒吗', '过期提醒', '快过期了会通知我吗'],
      en: [
        'will i be warned before points expire',
        'expiry reminder',
        'do you notify me before points expire',
      ],
    },
    answer: {
      zh: '会。积分过期前 30 天我们会提醒你。',
      en: 'Yes. We warn you 30 days before points expire.',
    },
  },
  {
    id: 'refund-window',
    questions: {
      zh: ['可以退款吗', '退款期限是多久', '几天内可以退课'],
      en: ['can i get a refund', 'what is the refund window', 'how many days do i have to refund'],
    },
    answer: {
      zh: '课程购买后 7 天内可申请退款。',
      en: 'You can request a refund within 7 days of purchase.',
    },
  },
  {
    id: 'refund-points',
    questions: {
      zh: [
        '退款后积分怎么处理',
        '退款会扣积分吗',
        '退款后抵扣的积分会退回吗',
        '退课以后积分会怎样',
      ],
      en: [
        'what happens to my points after a refund',
        'does a refund take back points',
        'do i get my spent points back on refund',
      ],
    },
    answer: {
      zh: '退款会扣回该订单获得的积分，并退还下单时抵扣使用的积分。',
      en: 'A refund reverses the points the order earned and returns any points you spent on it.',
    },
  },
  {
    id: 'pending-points',
    questions: {
      zh: ['为什么积分显示待生效', '买课的积分什么时候能用', '积分冻结是怎么回事'],
      en: [
        'why are my points pending',
        'when can i use points from a purchase',
        'why are some points on hold',
      ],
    },
    answer: {
      zh: '购课获得的积分在 7 天退款期结束后才可使用，之前显示为待生效。',
      en: 'Points from a purchase become spendable after the 7-day refund window; until then they show as pending.',
    },
  },
  {
    id: 'tiers',
    questions: {
      zh: ['会员等级有哪些', '怎么算会员等级', '普通高级vip怎么划分'],
      en: [
        'what membership tiers are there',
        'how are tiers calculated',
        'what are the tier thresholds',
      ],
    },
    answer: {
      zh: '按最近 365 天获得的积分：普通 0、高级 5,000、VIP 20,000。也可以在商城兑换 VIP 体验卡。',
      en: 'Tiers follow points earned in the last 365 days: Normal 0, Advanced 5,000, VIP 20,000. You can also get a VIP trial in the mall.',
    },
  },
  {
    id: 'tier-benefits',
    questions: {
      zh: ['会员有什么权益', 'vip有什么好处', '高级会员有什么用'],
      en: ['what are the membership benefits', 'what does vip get', 'what do advanced members get'],
    },
    answer: {
      zh: '积分倍率 普通 1× / 高级 1.5× / VIP 2×；兑换折扣 0 / 10% / 20%；VIP 可免费学习 VIP 免费课，并解锁会员专属课程。',
      en: 'Earn multiplier 1× / 1.5× / 2× (Normal / Advanced / VIP); redemption discount 0 / 10% / 20%; VIP gets VIP-free courses at no cost and members-only courses.',
    },
  },
  {
    id: 'vip-free-courses',
    questions: {
      zh: ['vip免费课是什么', '哪些课vip免费', '会员专属课程怎么看'],
      en: ['what are vip free courses', 'which courses are free for vip', 'members only courses'],
    },
    answer: {
      zh: '标记为 VIP 免费的课程（如《股票投资策略》）VIP 无需积分即可学习；会员专属课程需达到相应等级。',
      en: 'Courses marked VIP-free (such as Stock Investing Strategies) cost VIP members nothing; members-only courses need the required tier.',
    },
  },
  {
    id: 'checkout-deduction',
    questions: {
      zh: ['买课能用积分抵扣吗', '积分抵现规则', '最多能抵扣多少'],
      en: [
        'can i use points to pay part of a course',
        'points discount at checkout',
        'how much can points cover',
      ],
    },
    answer: {
      zh: '购课时 100 积分抵 1 元，最多抵扣课程价格的 30%。',
      en: 'At checkout 100 points = ¥1, covering at most 30% of the price.',
    },
  },
  {
    id: 'redeem-course',
    questions: {
      zh: ['怎么用积分兑换课程', '积分换课规则', '兑换课程要多少积分'],
      en: [
        'how do i redeem a course with points',
        'course redemption rules',
        'how many points does a course cost',
      ],
    },
    answer: {
      zh: '每门课都有积分价（默认按价格计算），会员享兑换折扣。积分足够时说"用积分兑换某某课"即可，确认后立即开通。',
      en: 'Every course has a points price (based on its price by default) and your tier discount applies. Say "redeem <course> with points" and confirm; you are enrolled at once.',
    },
  },
  {
    id: 'shipping-time',
    questions: {
      zh: ['实物多久发货', '兑换的礼品几天到', '发货时间'],
      en: [
        'how long does shipping take',
        'when will my gift ship',
        'delivery time for physical items',
      ],
    },
    answer: {
      zh: '实物商品在 3–5 个工作日内发货。',
      en: 'Physical items ship within 3–5 business days.',
    },
  },
  {
    id: 'order-statuses',
    questions: {
      zh: ['订单状态是什么意思', '已下单已发货已送达', '怎么看订单进度'],
      en: [
        'what do order statuses mean',
        'placed shipped delivered meaning',
        'how do i track order progress',
      ],
    },
    answer: {
      zh: '订单状态依次为：已下单 → 已发货 → 已送达。发"我的订单"即可查看。',
      en: 'Orders go placed → shipped → delivered. Send "my orders" to see yours.',
    },
  },
  {
    id: 'digital-items',
    questions: {
      zh: ['电子书怎么下载', '虚拟商品怎么领取', '兑换电子书后在哪看'],
      en: [
        'how do i download the ebook',
        'how do i get digital items',
        'where is my ebook after redeeming',
      ],
    },
    answer: {
      zh: '电子书等数字商品兑换后立即可下载，链接会发到对话中。',
      en: 'Digital items such as e-books are available right after redemption; the download link is sent in the chat.',
    },
  },
  {
    id: 'coupons',
    questions: {
      zh: ['优惠券怎么用', '课程券在哪里使用', '优惠券有效期'],
      en: ['how do i use a coupon', 'where do i enter a coupon code', 'do coupons expire'],
    },
    answer: {
      zh: '商城兑换的课程优惠券会生成券码，购课结算时输入即可立减（如 20 元券立减 20 元）。',
      en: 'Course coupons from the mall come as codes; enter the code at checkout to take the amount off (e.g. ¥20 off).',
    },
  },
  {
    id: 'stock-limits',
    questions: {
      zh: ['商品为什么兑换不了', '每人限兑几个', '库存不足怎么办'],
      en: [
        'why can i not redeem this item',
        'is there a per user limit',
        'what if an item is out of stock',
      ],
    },
    answer: {
      zh: '部分商品有库存和每人限兑数量，库存为零或达到上限时无法兑换。',
      en: 'Some items have limited stock and a per-user limit; you cannot redeem once stock is gone or you hit the limit.',
    },
  },
  {
    id: 'account-link',
    questions: {
      zh: ['怎么绑定账号', 'telegram和discord账号怎么合并', '多个平台积分能合并吗'],
      en: [
        'how do i link my accounts',
        'link telegram and discord',
        'merge my accounts across platforms',
      ],
    },
    answer: {
      zh: '在一个平台发送 /link 获取一次性验证码，在另一个平台（Telegram、Discord 或网页）输入该验证码即可合并账号与积分。',
      en: 'Send /link on one platform to get a one-time code, then enter it on another (Telegram, Discord or web) to merge accounts and points.',
    },
  },
  {
    id: 'moderator-grants',
    questions: {
      zh: ['管理员发的积分是什么', '群里任务积分怎么来的', '管理员能给多少积分'],
      en: [
        'what are moderator grants',
        'how do community task points work',
        'how many points can a moderator give',
      ],
    },
    answer: {
      zh: '社群管理员可为完成任务的成员发放积分：每次最多 500，每位管理员每天最多 5,000，需填写原因并留痕。',
      en: 'Community moderators can grant task points: at most 500 per grant and 5,000 per moderator per day, always with a reason and an audit trail.',
    },
  },
  {
    id: 'points-transfer',
    questions: {
      zh: ['积分可以转给别人吗', '积分能送朋友吗', '积分可以提现吗'],
      en: [
        'can i transfer points to a friend',
        'can i give points to someone',
        'can i cash out points',
      ],
    },
    answer: {
      zh: '积分不能转让或提现，只能用于兑换课程、商城商品和购课抵扣。',
      en: 'Points cannot be transferred or cashed out; use them for courses, mall items and checkout discounts.',
    },
  },
  {
    id: 'payment-methods',
    questions: {
      zh: ['支持哪些支付方式', '怎么付款买课', '付款失败怎么办'],
      en: ['what payment methods do you support', 'how do i pay for a course', 'my payment failed'],
    },
    answer: {
      zh: '购课通过平台支付页完成，支付成功后立即开通课程并发放积分；支付失败不会扣款，可重新下单。',
      en: 'Pay on the checkout page; on success you are enrolled and earn points at once. A failed payment charges nothing, so just try again.',
    },
  },
  {
    id: 'points-missing',
    questions: {
      zh: ['积分没到账', '为什么我的积分少了', '签到了积分没加'],
      en: ['my points are missing', 'why did my points go down', 'i checked in but got no points'],
    },
    answer: {
      zh: '可发送"积分明细"查看每一笔变动；购课积分需等 7 天退款期后生效，过期积分会被清除。仍有疑问请转人工。',
      en: 'Send "points history" to see every change; purchase points are pending for the 7-day refund window and expired points are removed. Still stuck? Ask for a human.',
    },
  },
];

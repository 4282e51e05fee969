// Hand-built concept lexicon: synonyms in both languages map to one concept feature, so an
// intent learnt from "积分过期" also fires on "points lapse" and "积分作废". This is where
// domain knowledge lives; the classifier still decides how much each concept matters.
import { stem, type Token } from './nlu.tokenize.js';

const CONCEPTS: Record<string, string[]> = {
  POINTS: ['积分', '积份', 'point', 'points', 'pts', 'pt', 'credits', '=分', '学分', '分数', 'credit', 'score'],
  EXPIRE: ['过期', '到期', '清零', '失效', '有效期', '作废', '期限', '保质期', 'expire', 'expiry', 'expiration', 'expiring', 'valid', 'validity', 'lapse', 'run out', 'shelf life', 'deadline', '清空', '永久', '保留多久', 'reset', 'permanent', 'forever', 'lose my points', 'disappear', 'vanish', 'valid until'],
  REFUND: ['退款', '退钱', '退课', '退货', '退费', '退掉', '退回', '退订', '撤销', '售后', 'refund', 'refunded', 'refundable', 'money back', 'return', 'chargeback', 'charge back', 'undo', '退', '退单', '取消订单', 'reimburse', 'cancel my purchase', 'charged twice', 'wrong course'],
  ORDER: ['订单', '快递', '物流', '发货', '包裹', '寄出', '到货', '收到货', '签收', '运单', '配送', 'order', 'orders', 'ship', 'shipped', 'shipping', 'shipment', 'delivery', 'delivered', 'parcel', 'package', 'track', 'tracking', 'arrive', 'eta', '寄', '送到', '到了没', '单号', '发了', 'sent out', 'dispatched', 'courier', 'arrived', 'tracking number'],
  RANK: ['排行', '排名', '榜', '名次', '第几', '第一', '前十', '冠军', 'leaderboard', 'rank', 'ranking', 'standings', 'scoreboard', 'top', 'leader', 'leading', 'number one', '排第', '几名', '最厉害', '最多', '最高', '榜单', 'position', 'place', 'first place', 'high score', 'winning', 'top ten', 'compare'],
  HUMAN: ['人工', '客服', '真人', '活人', '工作人员', '投诉', '管理员', '负责人', 'human', 'agent', 'person', 'staff', 'representative', 'operator', 'support', 'complain', 'complaint', 'escalate', 'manager', 'someone', 'helpdesk', '运营', '老师', '联系', '人类', 'real person', 'live chat', 'customer service', 'contact', 'teacher', 'admin', 'moderator'],
  MEMBER: ['会员', '等级', '级别', '特权', '权益', 'vip', 'tier', 'member', 'membership', 'level', 'perks', 'privileges', 'status', '黄金', '白银', '钻石', '高级', 'premium', 'gold', 'silver', 'subscription'],
  UPGRADE: ['升级', '升到', '升vip', '成为', '开通', '晋级', '变成', '达到', '门槛', 'upgrade', 'become', 'promote', 'level up', 'join', 'qualify', 'reach', 'next level', 'higher', '续费', '充值', '开会员', '当vip', 'renew', 'subscribe', 'move up', 'go vip', 'get vip'],
  INVITE: ['邀请', '推荐码', '邀请码', '拉新', '好友', '朋友', '同事', '同学', '分享', 'invite', 'invitation', 'referral', 'referal', 'refer', 'friend', 'friends', 'share', 'coworker', 'classmates', '拉人', '拉朋友', '推荐人', '推广', '邀请函', '带朋友', 'bring a friend', 'invite code', 'referrals', 'colleague', 'classmate'],
  CHECKIN: ['签到', '打卡', '签个到', 'check in', 'checkin', 'check-in', 'attendance', 'streak', 'clock in', 'punch in', 'sign in', 'daily', '签', '报到', 'sign-in', 'login bonus', 'present', 'chek in'],
  MALL: ['商城', '礼品', '商品', '周边', '奖品', '好物', '东西', '兑换中心', '实物', 'mall', 'store', 'shop', 'gift', 'gifts', 'reward', 'rewards', 'merch', 'swag', 'prize', 'prizes', 'goodies', 'items', 'stuff', '兑换区', '礼物', '卡券', '新品', '库存', 'goods', 'catalogue', 'products', 'things'],
  REDEEM: ['兑换', '换', '兑', '领取', 'redeem', 'redemption', 'exchange', 'swap', 'trade', 'claim', 'cash in', 'unlock', '兑个', '换个', '换购', '兑了', 'redeemed', 'get with points', 'spend points', 'use points', 'use my points'],
  BUY: ['买', '购买', '下单', '付款', '支付', '付钱', '付费', '结算', '花钱', '报名', '购物车', '微信支付', '支付宝', 'buy', 'purchase', 'pay', 'checkout', 'cart', 'enroll', 'cash', 'card', 'money', '订购', '付', '买下', '拍下', 'wechat', 'alipay', 'paypal', 'order', 'sign me up', 'subscribe'],
  COURSE: ['课', '课程', '课时', '门课', 'course', 'courses', 'class', 'classes', 'lesson', 'lessons', 'catalog', 'syllabus', '网课', '讲座', '训练营', '教程', 'module', 'program', 'training', 'bootcamp', 'lecture', 'subject', 'subjects'],
  RECOMMEND: ['推荐', '建议', '适合我', '该学', '学什么', '选课', '挑', 'recommend', 'recommendation', 'suggest', 'suggestion', 'should i', 'pick', 'best for me', '最火', '热门', '值得', '入门', '小白', '新手', '零基础', '转行', 'advice', 'advise', 'beginner', 'popular', 'trending', 'worth', 'career switch', 'where should i start', 'what should i learn'],
  HISTORY: ['明细', '记录', '流水', '历史', '账单', '收支', '变动', '变化', '来源', 'history', 'log', 'transactions', 'transaction', 'statement', 'activity', 'records', 'breakdown', 'ledger', 'earned and spent', '哪来', '花哪', '扣了', '少了', '去哪了', '账本', '进出', 'movements', 'changes', 'went', 'deducted', 'deduction', 'deductions', 'spent'],
  BALANCE: ['余额', '多少积分', '多少分', '几分', '剩', '还有多少', '可用', 'balance', 'how many points', 'left', 'total', 'remaining', 'available', 'wallet', '余', '还剩', '剩下', '几个积分', 'how many', 'how much', 'enough points', 'current points'],
  EARN: ['赚', '获得', '攒', '拿积分', '挣', '获取', '得积分', '加分', '积累', 'earn', 'earning', 'gain', 'collect', 'accumulate', 'rack up', 'farm', 'get more', '多拿', '拿分', '涨分', '刷分', '送积分', '给积分', '有积分', '奖励积分', '得分', '多赚', 'make points', 'score points', 'get points', 'award', 'reward points'],
  HELP: ['帮助', '功能', '怎么用', '指令', '命令', '菜单', '使用说明', '教程', '指南', '怎么操作', '能做什么', 'help', 'commands', 'command', 'features', 'menu', 'guide', 'tutorial', 'instructions', 'capabilities', 'how to use', '怎么玩', '你是谁', '干嘛的', '干啥', '教教', '新手', '不会用', '怎么开始', '能干', 'who are you', 'get started', 'getting started', 'options', 'lost', 'how does this work', 'what can you do'],
  GREET: ['你好', '您好', '嗨', '哈喽', '哈罗', '早上好', '早安', '晚上好', '下午好', '在吗', 'hi', 'hello', 'hey', 'hiya', 'howdy', 'morning', 'evening', 'greetings', 'yo', '早', '喂', '嘿', '大家好', '哈啰', 'hallo', 'helo', 'hii', 'sup', 'whats up', 'good day', 'good morning', 'afternoon', 'heya', 'anyone there', 'anyone around'],
  THANKS: ['谢谢', '感谢', '多谢', '谢啦', '再见', '拜拜', '回头见', '下次见', 'thanks', 'thank', 'thx', 'ty', 'bye', 'goodbye', 'cheers', 'appreciate', 'later', 'see you', 'farewell', '谢', '辛苦', '感恩', '拜', '溜了', '下线', '晚安', '先这样', '没事了', 'take care', 'gotta go', 'ttyl', 'cya', 'good night', 'signing off', 'have a nice day', 'thank you', 'thanks a lot', 'that is all', 'thats all'],
  WHAT: ['什么', '啥', '哪些', '有没有', 'what', 'which', 'any'],
  ME: ['我', '我的', 'my', 'me', 'i'],
};

interface CompiledLexicon {
  cjk: Array<[string, string]>;
  cjkToken: Map<string, string>;
  latin: Map<string, Array<{ stems: string[]; concept: string }>>;
}

function compile(): CompiledLexicon {
  const cjk: Array<[string, string]> = [];
  const cjkToken = new Map<string, string>();
  const latin = new Map<string, Array<{ stems: string[]; concept: string }>>();
  for (const [concept, words] of Object.entries(CONCEPTS)) {
    for (const w of words) {
      if (w.startsWith('=')) cjkToken.set(w.slice(1), concept);
      else if (/[\u4e00-\u9fff]/.test(w)) cjk.push([w, concept]);
      else {
        const stems = w.split(/[\s-]+/).map(stem);
        const list = latin.get(stems[0]!) ?? [];
        list.push({ stems, concept });
        latin.set(stems[0]!, list);
      }
    }
  }
  return { cjk, cjkToken, latin };
}

const LEX = compile();

/** Concept ids present in the message (tokens already exclude catalog names). */
export function conceptFeatures(norm: string, tokens: Token[]): Set<string> {
  const out = new Set<string>();
  const compact = norm.length > 400 ? norm.slice(0, 400) : norm;
  for (const [w, c] of LEX.cjk) if (compact.includes(w)) out.add(c);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const tc = LEX.cjkToken.get(t.text);
    if (tc) out.add(tc);
    const cands = LEX.latin.get(t.norm);
    if (!cands) continue;
    for (const { stems, concept } of cands) {
      let ok = true;
      for (let j = 1; j < stems.length && ok; j++) ok = tokens[i + j]?.norm === stems[j];
      if (ok) out.add(concept);
    }
  }
  return out;
}

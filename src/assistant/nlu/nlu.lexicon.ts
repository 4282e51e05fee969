// Hand-built concept lexicon: synonyms in both languages map to one concept feature, so an
// intent learnt from "积分过期" also fires on "points lapse" and "积分作废". This is where
// domain knowledge lives; the classifier still decides how much each concept matters.
import { stem, type Token } from './nlu.tokenize.js';

const CONCEPTS: Record<string, string[]> = {
  POINTS: ['积分', '积份', 'point', 'points', 'pts', 'pt', 'credits', '=分'],
  EXPIRE: ['过期', '到期', '清零', '失效', '有效期', '作废', '期限', '保质期', 'expire', 'expiry', 'expiration', 'expiring', 'valid', 'validity', 'lapse', 'run out', 'shelf life', 'deadline'],
  REFUND: ['退款', '退钱', '退课', '退货', '退费', '退掉', '退回', '退订', '撤销', '售后', 'refund', 'refunded', 'refundable', 'money back', 'return', 'chargeback', 'charge back', 'undo'],
  ORDER: ['订单', '快递', '物流', '发货', '包裹', '寄出', '到货', '收到货', '签收', '运单', '配送', 'order', 'orders', 'ship', 'shipped', 'shipping', 'shipment', 'delivery', 'delivered', 'parcel', 'package', 'track', 'tracking', 'arrive', 'eta'],
  RANK: ['排行', '排名', '榜', '名次', '第几', '第一', '前十', '冠军', 'leaderboard', 'rank', 'ranking', 'standings', 'scoreboard', 'top', 'leader', 'leading', 'number one'],
  HUMAN: ['人工', '客服', '真人', '活人', '工作人员', '投诉', '管理员', '负责人', 'human', 'agent', 'person', 'staff', 'representative', 'operator', 'support', 'complain', 'complaint', 'escalate', 'manager', 'someone', 'helpdesk'],
  MEMBER: ['会员', '等级', '级别', '特权', '权益', 'vip', 'tier', 'member', 'membership', 'level', 'perks', 'privileges', 'status'],
  UPGRADE: ['升级', '升到', '升vip', '成为', '开通', '晋级', '变成', '达到', '门槛', 'upgrade', 'become', 'promote', 'level up', 'join', 'qualify', 'reach', 'next level', 'higher'],
  INVITE: ['邀请', '推荐码', '邀请码', '拉新', '好友', '朋友', '同事', '同学', '分享', 'invite', 'invitation', 'referral', 'referal', 'refer', 'friend', 'friends', 'share', 'coworker', 'classmates'],
  CHECKIN: ['签到', '打卡', '签个到', 'check in', 'checkin', 'check-in', 'attendance', 'streak', 'clock in', 'punch in', 'sign in', 'daily'],
  MALL: ['商城', '礼品', '商品', '周边', '奖品', '好物', '东西', '兑换中心', '实物', 'mall', 'store', 'shop', 'gift', 'gifts', 'reward', 'rewards', 'merch', 'swag', 'prize', 'prizes', 'goodies', 'items', 'stuff'],
  REDEEM: ['兑换', '换', '兑', '领取', 'redeem', 'redemption', 'exchange', 'swap', 'trade', 'claim', 'cash in', 'unlock'],
  BUY: ['买', '购买', '下单', '付款', '支付', '付钱', '付费', '结算', '花钱', '报名', '购物车', '微信支付', '支付宝', 'buy', 'purchase', 'pay', 'checkout', 'cart', 'enroll', 'cash', 'card', 'money'],
  COURSE: ['课', '课程', '课时', '门课', 'course', 'courses', 'class', 'classes', 'lesson', 'lessons', 'catalog', 'syllabus'],
  RECOMMEND: ['推荐', '建议', '适合我', '该学', '学什么', '选课', '挑', 'recommend', 'recommendation', 'suggest', 'suggestion', 'should i', 'pick', 'best for me'],
  HISTORY: ['明细', '记录', '流水', '历史', '账单', '收支', '变动', '变化', '来源', 'history', 'log', 'transactions', 'transaction', 'statement', 'activity', 'records', 'breakdown', 'ledger', 'earned and spent'],
  BALANCE: ['余额', '多少积分', '多少分', '几分', '剩', '还有多少', '可用', 'balance', 'how many points', 'left', 'total', 'remaining', 'available', 'wallet'],
  EARN: ['赚', '获得', '攒', '拿积分', '挣', '获取', '得积分', '加分', '积累', 'earn', 'earning', 'gain', 'collect', 'accumulate', 'rack up', 'farm', 'get more'],
  HELP: ['帮助', '功能', '怎么用', '指令', '命令', '菜单', '使用说明', '教程', '指南', '怎么操作', '能做什么', 'help', 'commands', 'command', 'features', 'menu', 'guide', 'tutorial', 'instructions', 'capabilities', 'how to use'],
  GREET: ['你好', '您好', '嗨', '哈喽', '哈罗', '早上好', '早安', '晚上好', '下午好', '在吗', 'hi', 'hello', 'hey', 'hiya', 'howdy', 'morning', 'evening', 'greetings', 'yo'],
  THANKS: ['谢谢', '感谢', '多谢', '谢啦', '再见', '拜拜', '回头见', '下次见', 'thanks', 'thank', 'thx', 'ty', 'bye', 'goodbye', 'cheers', 'appreciate', 'later', 'see you', 'farewell'],
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

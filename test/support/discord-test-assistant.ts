// A scripted, deterministic Assistant for the Discord adapter tests, standing in for the real
// one. It implements just enough of the contract: balances in memory, idempotency by eventId,
// Confirm/Cancel holds for /redeem, grants only for platform moderators. Adapter assertions
// must not depend on its wording beyond what each test sets up.
import type {
  Assistant,
  AssistantResult,
  Inbound,
  Lang,
  Reply,
} from '../../src/assistant/assistant.types.js';
import { DEMO_COURSES } from '../../src/catalog/data/demo-catalog.js';

export const START_BALANCE = 100;
export const CHECKIN_POINTS = 5;
export const REDEEM_COST = 60;

export interface DiscordTestAssistant extends Assistant {
  inbounds: Inbound[];
  balanceOf(userId: string): number;
  /** Delay per command name or 'action' / 'text', to exercise deferral. */
  delays: Map<string, number>;
  /** Make the next call throw. */
  failNext(): void;
}

export function createDiscordTestAssistant(): DiscordTestAssistant {
  const inbounds: Inbound[] = [];
  const balances = new Map<string, number>();
  const checkedIn = new Set<string>();
  const holds = new Map<
    string,
    { userId: string; slug: string; state: 'open' | 'done' | 'cancelled' }
  >();
  const seen = new Map<string, AssistantResult>();
  const delays = new Map<string, number>();
  let failNext = false;
  let holdSeq = 0;

  const balanceOf = (id: string) => balances.get(id) ?? START_BALANCE;
  const add = (id: string, n: number) => balances.set(id, balanceOf(id) + n);

  function langOf(inb: Inbound): Lang {
    if (inb.text && /\p{Script=Han}/u.test(inb.text)) return 'zh';
    return inb.user.languageCode?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }

  function respond(inb: Inbound, lang: Lang): { intent: string; replies: Reply[] } {
    const me = inb.user.externalId;
    const t = (zh: string, en: string) => (lang === 'zh' ? zh : en);
    const balance = (): Reply => ({
      text: t(`你的积分余额：${balanceOf(me)}`, `Your balance: ${balanceOf(me)} points`),
      private: true,
    });
    if (inb.action) {
      const [kind, verb, id] = inb.action.split(':');
      const hold = id ? holds.get(id) : undefined;
      if (kind !== 'redeem' || !hold || hold.userId !== me || hold.state !== 'open') {
        return {
          intent: 'expired',
          replies: [
            { text: t('这个确认已失效。', 'This confirmation has expired.'), private: true },
          ],
        };
      }
      if (verb === 'cancel') {
        hold.state = 'cancelled';
        return {
          intent: 'cancelled',
          replies: [{ text: t('已取消。', 'Cancelled.'), private: true }],
        };
      }
      hold.state = 'done';
      add(me, -REDEEM_COST);
      return {
        intent: 'redeemed',
        replies: [
          {
            text: t(
              `已兑换 ${hold.slug}，余额 ${balanceOf(me)}`,
              `Redeemed ${hold.slug}. Balance: ${balanceOf(me)}`,
            ),
            private: true,
          },
        ],
      };
    }
    const cmd = inb.command;
    if (cmd?.name === 'balance') return { intent: 'balance', replies: [balance()] };
    if (cmd?.name === 'checkin') {
      if (checkedIn.has(me))
        return {
          intent: 'checkin',
          replies: [{ text: t('今天已签到。', 'Already checked in today.'), private: true }],
        };
      checkedIn.add(me);
      add(me, CHECKIN_POINTS);
      return {
        intent: 'checkin',
        replies: [
          {
            text: t(`签到成功 +${CHECKIN_POINTS}`, `Checked in: +${CHECKIN_POINTS} points`),
            private: true,
          },
        ],
      };
    }
    if (cmd?.name === 'redeem') {
      const course = DEMO_COURSES.find((c) => c.slug === cmd.args?.course);
      if (!course)
        return {
          intent: 'redeem',
          replies: [{ text: t('没有这门课。', 'No such course.'), private: true }],
        };
      const id = `h${++holdSeq}`;
      holds.set(id, { userId: me, slug: course.slug, state: 'open' });
      return {
        intent: 'redeem',
        replies: [
          {
            text: t(
              `用 ${REDEEM_COST} 积分兑换「${course.titleZh}」？`,
              `Redeem “${course.titleEn}” for ${REDEEM_COST} points?`,
            ),
            buttons: [
              { id: `redeem:confirm:${id}`, label: t('确认', 'Confirm') },
              { id: `redeem:cancel:${id}`, label: t('取消', 'Cancel') },
            ],
            private: true,
          },
        ],
      };
    }
    if (cmd?.name === 'grant') {
      if (!inb.context?.platformModerator) {
        return {
          intent: 'grant',
          replies: [
            {
              text: t('只有管理员可以发放积分。', 'Only moderators can grant points.'),
              private: true,
            },
          ],
        };
      }
      const target = inb.context.mentions?.[0];
      const amount = Number(cmd.args?.amount);
      if (!target || !Number.isInteger(amount))
        return {
          intent: 'grant',
          replies: [{ text: 'Usage: /grant <user> <amount> <reason>', private: true }],
        };
      add(target.externalId, amount);
      return {
        intent: 'grant',
        replies: [
          {
            text: t(
              `已给 ${target.displayName} 发放 ${amount} 积分`,
              `Granted ${amount} points to ${target.displayName}.`,
            ),
          },
        ],
      };
    }
    // A personal answer to a command the adapter treats as public (exercises the privacy fix-up).
    if (cmd?.name === 'courses' && cmd.args?.topic === 'mine')
      return {
        intent: 'my_courses',
        replies: [{ text: t('你还没有课程。', 'You have no courses yet.'), private: true }],
      };
    const text = cmd?.text ?? inb.text ?? '';
    if (/积分|余额|balance|points/i.test(text)) return { intent: 'balance', replies: [balance()] };
    if (/两条|two/i.test(text))
      return {
        intent: 'two',
        replies: [{ text: t('第一条', 'first') }, { text: t('第二条', 'second') }],
      };
    return {
      intent: 'help',
      replies: [{ text: t('你好！试试 /balance 或 /courses。', 'Hi! Try /balance or /courses.') }],
    };
  }

  return {
    inbounds,
    delays,
    balanceOf,
    failNext: () => void (failNext = true),
    async handle(inbound) {
      inbounds.push(inbound);
      const delay = delays.get(inbound.action ? 'action' : (inbound.command?.name ?? 'text'));
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (failNext) {
        failNext = false;
        throw new Error('scripted failure');
      }
      const cached = seen.get(inbound.eventId);
      if (cached) return cached;
      const lang = langOf(inbound);
      const { intent, replies } = respond(inbound, lang);
      const result: AssistantResult = { intent, confidence: 1, entities: {}, lang, replies };
      seen.set(inbound.eventId, result);
      return result;
    },
  };
}

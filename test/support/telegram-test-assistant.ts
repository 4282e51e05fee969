// A scripted stand-in for the real assistant, for the Telegram adapter's tests: it implements
// the contract deterministically (echoes intents, offers Confirm/Cancel and paging buttons,
// keeps a toy balance per user) and records every Inbound it receives. The real assistant
// replaces it later; tests assert on the adapter through `inbounds` and on Telegram traffic.
import type {
  Assistant,
  AssistantResult,
  Inbound,
  Lang,
  Reply,
} from '../../src/assistant/assistant.types.js';

export interface TestAssistant extends Assistant {
  /** Every Inbound received, redeliveries included, in order. */
  readonly inbounds: Inbound[];
  balanceOf(externalId: string): number;
  /** Resolves when the assistant has received `n` inbounds in total. */
  received(n: number, timeoutMs?: number): Promise<void>;
}

export const COURSES = [
  'Python 101',
  'Data Science',
  'Web Design',
  'Marketing',
  'English Writing',
].map((title, i) => ({
  id: `c${i + 1}`,
  title,
  price: 100,
}));
const PAGE_SIZE = 2;
export const CHECKIN_POINTS = 5;
export const REFERRAL_POINTS = 20;

export function createTestAssistant(): TestAssistant {
  const inbounds: Inbound[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const balances = new Map<string, number>();
  const usernames = new Map<string, string>();
  const checkedIn = new Set<string>();
  const holds = new Map<
    string,
    { user: string; courseId: string; state: 'open' | 'confirmed' | 'cancelled' }
  >();
  const lastGrant = new Map<string, { target: string; amount: number }>();
  // Results by eventId: a redelivered update gets the first answer and changes nothing.
  const done = new Map<string, AssistantResult>();

  const bal = (id: string) => balances.get(id) ?? 0;
  const credit = (id: string, n: number) => balances.set(id, bal(id) + n);

  async function handle(inbound: Inbound): Promise<AssistantResult> {
    inbounds.push(inbound);
    for (const w of waiters.filter((w) => inbounds.length >= w.n)) w.resolve();
    const previous = done.get(inbound.eventId);
    if (previous) return previous;
    const result = answer(inbound);
    done.set(inbound.eventId, result);
    return result;
  }

  function answer(inbound: Inbound): AssistantResult {
    const me = inbound.user.externalId;
    if (inbound.user.username) usernames.set(inbound.user.username.toLowerCase(), me);
    const lang: Lang =
      /[\u4e00-\u9fff]/.test(inbound.text ?? '') ||
      (!inbound.text && inbound.user.languageCode?.startsWith('zh'))
        ? 'zh'
        : 'en';
    const reply = (intent: string, ...replies: Reply[]): AssistantResult => ({
      intent,
      confidence: 1,
      entities: {},
      lang,
      replies,
    });
    const moderator = inbound.context?.platformModerator === true;

    if (inbound.action) {
      const [kind, arg] = inbound.action.split(':');
      if (kind === 'page') return coursesPage(Number(arg), reply);
      if (kind === 'course') return offer(me, arg, reply);
      const hold = holds.get(arg);
      if (!hold || hold.user !== me)
        return reply('unknown', { text: 'That button is not for you.' });
      if (hold.state !== 'open')
        return reply('closed', { text: 'This redemption is already closed.' });
      const course = COURSES.find((c) => c.id === hold.courseId)!;
      if (kind === 'cancel')
        return ((hold.state = 'cancelled'), reply('cancel', { text: 'Cancelled.' }));
      if (bal(me) < course.price)
        return reply('insufficient', { text: `Not enough points: ${bal(me)} < ${course.price}.` });
      hold.state = 'confirmed';
      credit(me, -course.price);
      return reply('redeemed', { text: `Redeemed ${course.title}. Balance: ${bal(me)} points.` });
    }

    const cmd = inbound.command;
    if (!cmd) {
      const text = inbound.text ?? '';
      if (text === 'boom') throw new Error('scripted assistant failure');
      return lang === 'zh'
        ? reply('ask', { text: `你问的是：${text}` })
        : reply('ask', { text: `You asked: ${text}` });
    }
    switch (cmd.name) {
      case 'start': {
        const isNew = !balances.has(me);
        if (isNew) balances.set(me, 0);
        const ref = typeof cmd.args?.ref === 'string' ? cmd.args.ref : undefined;
        if (isNew && ref && ref !== me) credit(ref, REFERRAL_POINTS);
        return reply('start', {
          text: `Welcome to xuefen!${isNew && ref ? ` Invited by ${ref}.` : ''}`,
        });
      }
      case 'help':
        return reply('help', { text: 'Commands: /balance /checkin /courses /redeem /grant /undo' });
      case 'balance':
        return reply('balance', {
          text: `Balance: ${bal(me)} points.`,
          private: inbound.context?.isGroup,
        });
      case 'checkin': {
        const key = `${me}:${new Date().toISOString().slice(0, 10)}`;
        if (checkedIn.has(key)) return reply('checkin', { text: 'Already checked in today.' });
        checkedIn.add(key);
        credit(me, CHECKIN_POINTS);
        return reply('checkin', {
          text: `Checked in: +${CHECKIN_POINTS} points. Balance: ${bal(me)} points.`,
        });
      }
      case 'courses':
        return coursesPage(Number(cmd.text ?? 1) || 1, reply);
      case 'redeem':
        return offer(me, cmd.text ?? '', reply);
      case 'grant': {
        if (!moderator) return reply('grant', { text: 'Only moderators can grant points.' });
        const target = inbound.context?.mentions?.[0];
        const amount = cmd.args?.amount;
        if (!target || typeof amount !== 'number')
          return reply('grant', { text: 'Usage: /grant @user 50 reason' });
        const id =
          target.externalId ||
          usernames.get(target.username!.toLowerCase()) ||
          `@${target.username}`;
        credit(id, amount);
        lastGrant.set(me, { target: id, amount });
        const who = target.username ? `@${target.username}` : (target.displayName ?? id);
        return reply('grant', {
          text: `Granted ${amount} points to ${who}${cmd.args?.reason ? ` (${cmd.args.reason})` : ''}.`,
        });
      }
      case 'undo': {
        const last = moderator ? lastGrant.get(me) : undefined;
        if (!last)
          return reply('undo', {
            text: moderator ? 'Nothing to undo.' : 'Only moderators can undo grants.',
          });
        credit(last.target, -last.amount);
        lastGrant.delete(me);
        return reply('undo', { text: `Undone: ${last.amount} points.` });
      }
      default:
        return reply(cmd.name, { text: `Intent: ${cmd.name}${cmd.text ? ` ${cmd.text}` : ''}` });
    }
  }

  function coursesPage(page: number, reply: (intent: string, ...r: Reply[]) => AssistantResult) {
    const pages = Math.ceil(COURSES.length / PAGE_SIZE);
    const p = Math.min(Math.max(page, 1), pages);
    const items = COURSES.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE);
    const buttons = [
      ...(p > 1 ? [{ id: `page:${p - 1}`, label: '‹ Prev' }] : []),
      ...(p < pages ? [{ id: `page:${p + 1}`, label: 'Next ›' }] : []),
    ];
    return reply('courses', {
      text: `Courses, page ${p}/${pages}`,
      cards: items.map((c) => ({
        title: c.title,
        subtitle: `${c.price} points`,
        buttons: [{ id: `course:${c.id}`, label: 'Redeem' }],
      })),
      buttons,
    });
  }

  function offer(
    me: string,
    courseId: string,
    reply: (intent: string, ...r: Reply[]) => AssistantResult,
  ) {
    const course = COURSES.find(
      (c) => c.id === courseId || c.title.toLowerCase() === courseId.toLowerCase(),
    );
    if (!course) return reply('redeem', { text: 'Which course? Try /courses.' });
    const hold = `h${holds.size + 1}`;
    holds.set(hold, { user: me, courseId: course.id, state: 'open' });
    return reply('redeem', {
      text: `Redeem ${course.title} for ${course.price} points?`,
      buttons: [
        { id: `confirm:${hold}`, label: 'Confirm' },
        { id: `cancel:${hold}`, label: 'Cancel' },
      ],
    });
  }

  function received(n: number, timeoutMs = 5000) {
    if (inbounds.length >= n) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`assistant received ${inbounds.length} of ${n} inbounds`)),
        timeoutMs,
      );
      waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  return { handle, inbounds, balanceOf: bal, received };
}

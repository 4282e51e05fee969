// The bot's slash commands: which ones it answers and the menus Telegram shows (zh and en,
// private chats and groups). Registering the menus is cosmetic, so a failure is only logged.
import type { Api } from 'grammy';
import type { BotCommand, BotCommandScope } from 'grammy/types';
import type { Logger } from '../../src/shared/logger.js';

const DESCRIPTIONS = {
  start: { zh: '开始使用 / 绑定账号', en: 'Get started' },
  help: { zh: '帮助与命令列表', en: 'Help and commands' },
  balance: { zh: '查看积分余额', en: 'Your points balance' },
  history: { zh: '积分明细', en: 'Points history' },
  checkin: { zh: '每日签到', en: 'Daily check-in' },
  courses: { zh: '浏览课程', en: 'Browse courses' },
  course: { zh: '课程详情', en: 'Course details' },
  mall: { zh: '积分商城', en: 'Points mall' },
  redeem: { zh: '用积分兑换', en: 'Redeem with points' },
  exchange: { zh: '兑换商品', en: 'Exchange for an item' },
  orders: { zh: '我的订单', en: 'Your orders' },
  tier: { zh: '会员等级', en: 'Your membership tier' },
  top: { zh: '积分排行榜', en: 'Leaderboard' },
  invite: { zh: '邀请好友得积分', en: 'Invite friends, earn points' },
  link: { zh: '关联网页账号', en: 'Link your web account' },
  ask: { zh: '向助手提问', en: 'Ask the assistant' },
  grant: {
    zh: '（管理员）发放积分：/grant @用户 50 原因',
    en: '(moderators) /grant @user 50 reason',
  },
  undo: { zh: '（管理员）撤销上一次发放', en: '(moderators) Undo your last grant' },
} as const;

export type CommandName = keyof typeof DESCRIPTIONS;

/** Every command the adapter passes to the assistant, in private chats and groups alike. */
export const ASSISTANT_COMMANDS = Object.keys(DESCRIPTIONS) as CommandName[];

const PRIVATE_MENU: CommandName[] = [
  'start',
  'help',
  'balance',
  'history',
  'checkin',
  'courses',
  'mall',
  'redeem',
  'orders',
  'tier',
  'top',
  'invite',
  'link',
];
const GROUP_MENU: CommandName[] = ['help', 'balance', 'checkin', 'top', 'grant', 'undo'];

export interface CommandMenu {
  commands: BotCommand[];
  scope: BotCommandScope;
  /** Absent for the default menu, which users of every other language see. */
  language_code?: 'zh';
}

export function commandMenus(): CommandMenu[] {
  const list = (names: CommandName[], lang: 'zh' | 'en') =>
    names.map((command) => ({ command, description: DESCRIPTIONS[command][lang] }));
  const scopes: [BotCommandScope, CommandName[]][] = [
    [{ type: 'all_private_chats' }, PRIVATE_MENU],
    [{ type: 'all_group_chats' }, GROUP_MENU],
  ];
  return scopes.flatMap(([scope, names]) => [
    { scope, commands: list(names, 'en') },
    { scope, language_code: 'zh' as const, commands: list(names, 'zh') },
  ]);
}

/** Returns how many menus were registered; never throws. */
export async function registerCommands(api: Api, logger: Logger): Promise<number> {
  let ok = 0;
  for (const menu of commandMenus()) {
    try {
      await api.setMyCommands(menu.commands, {
        scope: menu.scope,
        ...(menu.language_code ? { language_code: menu.language_code } : {}),
      });
      ok++;
    } catch (err) {
      logger.warn(
        { err, scope: menu.scope.type, language: menu.language_code ?? 'default' },
        'setMyCommands failed; the command menu may be stale',
      );
    }
  }
  return ok;
}

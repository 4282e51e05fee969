// Every slash command, one module per file. loadCommands() validates them when the bot or the
// register script starts.
import ask from './ask.js';
import balance from './balance.js';
import checkin from './checkin.js';
import course from './course.js';
import courses from './courses.js';
import exchange from './exchange.js';
import grant from './grant.js';
import help from './help.js';
import history from './history.js';
import invite from './invite.js';
import link from './link.js';
import mall from './mall.js';
import orders from './orders.js';
import redeem from './redeem.js';
import tier from './tier.js';
import top from './top.js';
import undo from './undo.js';
import type { Command } from '../discord.types.js';

export const commandModules: readonly Command[] = [
  balance,
  history,
  checkin,
  courses,
  course,
  redeem,
  mall,
  exchange,
  orders,
  tier,
  top,
  invite,
  link,
  ask,
  help,
  grant,
  undo,
];

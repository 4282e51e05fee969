// npm run chat: the assistant in the terminal (readline). Buttons appear as numbered choices;
// type the number to press one. The conversation is the `web` user "terminal-<os user>".
import { createInterface } from 'node:readline/promises';
import { userInfo } from 'node:os';
import { withServices } from './script-context.js';
import type { Button, Inbound } from '../src/assistant/assistant.types.js';

await withServices(async (s) => {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const user = { channel: 'web' as const, externalId: `terminal-${userInfo().username}`, displayName: userInfo().username, languageCode: process.env.LANG?.startsWith('zh') ? 'zh' : 'en' };
  let choices: Button[] = [];
  let seq = 0;
  console.log('xuefen assistant — type a message (Ctrl+D or "/quit" to leave)');
  for (;;) {
    let line: string;
    try {
      line = (await rl.question('> ')).trim();
    } catch {
      break; // stdin closed
    }
    if (line === '/quit' || line === '/exit') break;
    if (!line) continue;
    const pick = /^\d+$/.test(line) ? choices[Number(line) - 1] : undefined;
    const inbound: Inbound = { user, eventId: `terminal-${process.pid}-${Date.now()}-${++seq}`, ...(pick ? { action: pick.id } : { text: line }) };
    const result = await s.assistant.handle(inbound);
    choices = [];
    for (const reply of result.replies) {
      console.log(reply.text);
      const buttons = [...(reply.buttons ?? []), ...(reply.cards ?? []).flatMap((c) => c.buttons ?? [])];
      for (const b of buttons) {
        if (b.url) {
          console.log(`   ${b.label}: ${b.url}`);
          continue;
        }
        choices.push(b);
        console.log(`   [${choices.length}] ${b.label}`);
      }
    }
  }
  rl.close();
  return 0;
});

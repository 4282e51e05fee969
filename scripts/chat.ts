// npm run chat: the assistant in the terminal (readline). Buttons appear as numbered choices;
// type the number to press one. The conversation is the `web` user "terminal-<os user>".
import { createInterface } from 'node:readline/promises';
import { userInfo } from 'node:os';
import { withServices } from './script-context.js';
import type { Button, Inbound } from '../src/assistant/assistant.types.js';

await withServices(async (s) => {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  const user = {
    channel: 'web' as const,
    externalId: `terminal-${userInfo().username}`,
    displayName: userInfo().username,
    languageCode: process.env.LANG?.startsWith('zh') ? 'zh' : 'en',
  };
  let choices: Button[] = [];
  let seq = 0;
  // Same first-start data as the service, so a fresh data directory has courses to talk about.
  await s.catalog.seedDemo();
  await s.support.seedFaq();
  console.log('xuefen assistant — type a message (Ctrl+D or "/quit" to leave)');
  rl.setPrompt('> ');
  rl.prompt();
  // Iterating the interface (rather than question()) keeps lines that arrive while a turn is
  // still being answered, e.g. when input is piped in.
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (!line) {
      rl.prompt();
      continue;
    }
    const pick = /^\d+$/.test(line) ? choices[Number(line) - 1] : undefined;
    const inbound: Inbound = {
      user,
      eventId: `terminal-${process.pid}-${Date.now()}-${++seq}`,
      ...(pick ? { action: pick.id } : { text: line }),
    };
    const result = await s.assistant.handle(inbound);
    choices = [];
    for (const reply of result.replies) {
      console.log(reply.text);
      const labelled = [
        ...(reply.buttons ?? []).map((b) => ({ b, label: b.label })),
        ...(reply.cards ?? []).flatMap((c) =>
          (c.buttons ?? []).map((b) => ({ b, label: `${b.label} · ${c.title}` })),
        ),
      ];
      for (const { b, label } of labelled) {
        if (b.url) {
          console.log(`   ${label}: ${b.url}`);
          continue;
        }
        choices.push(b);
        console.log(`   [${choices.length}] ${label}`);
      }
    }
    rl.prompt();
  }
  rl.close();
  return 0;
});

// The composition root with the Telegram bot: `tsx src/main.ts` with a token, against the
// emulator (a conversation through the real wiring), and against a Bot API that cannot be
// reached (logged and retried, while the HTTP API keeps serving). Embedded database.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zh } from '../src/assistant/replies/replies.zh.js';
import { startEmulator, type Emulator } from './support/telegram-emulator.js';
import type { CommandRequest } from 'telegram-test-api/lib/modules/telegramClient.js';

const TOKEN = '123456:main-wiring-token';
const dirs: string[] = [];
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'xuefen-tg-main-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      LOG_PRETTY: 'false',
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_API_KEYS: 'telegram-main-admin-key-0123456789',
      JOBS_INTERVAL_SECONDS: '0',
      DISCORD_TOKEN: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (re: RegExp, ms = 30_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const deadline = Date.now() + ms;
      const timer = setInterval(() => {
        const m = re.exec(out);
        if (m) return (clearInterval(timer), resolve(m));
        if (Date.now() > deadline) {
          clearInterval(timer);
          reject(new Error(`no ${re} in:\n${out}`));
        }
      }, 50);
    });
  return { child, exited, waitFor, output: () => out };
}

describe('npm start with TELEGRAM_BOT_TOKEN', () => {
  it('polls the Bot API and answers through the real assistant; SIGTERM stops the bot before the database', async () => {
    const p = start({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: emu.apiRoot });
    await p.waitFor(/telegram bot polling for updates/);
    const user = emu.client(TOKEN, {
      userId: 901,
      chatId: 901,
      firstName: 'Wang',
      userName: 'wang',
    });
    const before = emu.botMessages(901).length;
    await user.sendCommand(user.makeCommand('/start') as CommandRequest);
    const reply = await emu.nextBotMessage(901, before, 15_000);
    expect(reply.message.text).toBe(zh.greeting('Wang'));
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const out = p.output();
    // Order by the log records' own timestamps: the child's stdout chunks may arrive reordered.
    const timeOf = (msg: string) =>
      out.split('\n').flatMap((l) => {
        try {
          const r = JSON.parse(l);
          return r.msg === msg ? [r.time as number] : [];
        } catch {
          return [];
        }
      })[0];
    const botStopped = timeOf('telegram polling stopped');
    const serviceStopped = timeOf('stopped');
    expect(botStopped, out).toBeDefined();
    expect(serviceStopped, out).toBeDefined();
    expect(botStopped!, out).toBeLessThanOrEqual(serviceStopped!);
    expect(out).toContain('DISCORD_TOKEN not set: Discord bot not started');
  });

  it('keeps serving when the Bot API cannot be reached, and says so (without the token)', async () => {
    const p = start({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:1' });
    const [, port] = await p.waitFor(/listening on http:\/\/[^:]+:(\d+)/);
    await p.waitFor(/could not reach Telegram/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(p.output()).not.toContain('main-wiring-token');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('logs one line when no token is set', async () => {
    const p = start({ TELEGRAM_BOT_TOKEN: '' });
    await p.waitFor(/listening on/);
    expect(p.output()).toContain('TELEGRAM_BOT_TOKEN not set: Telegram bot not started');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});

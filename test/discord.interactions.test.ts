// POST /discord/interactions: Ed25519 signatures (valid, invalid, missing, replayed), PING, and
// application commands / autocomplete / buttons dispatched to the same command modules, with a
// deferred answer finished through REST against the fake Discord.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { ApplicationCommandOptionType as Opt, MessageFlags, REST } from 'discord.js';
import { pino } from 'pino';
import { createDiscordInteractionHandler } from '../bots/discord/discord.http-interactions.js';
import { discordInteractionsRoutes } from '../bots/discord/discord.interactions.routes.js';
import { createDemoCatalogLookup } from './support/demo-catalog-lookup.js';
import {
  createDiscordTestAssistant,
  START_BALANCE,
  type DiscordTestAssistant,
} from './support/discord-test-assistant.js';
import { startFakeDiscord, type FakeDiscord } from './support/fake-discord/fake-discord.server.js';
import {
  autocomplete,
  buttonPress,
  chatInput,
} from './support/fake-discord/fake-discord.payloads.js';

const NOW = 1_750_000_000;
let fake: FakeDiscord;
let assistant: DiscordTestAssistant;
let app: Hono;
let privateKey: KeyObject;

beforeAll(async () => {
  fake = await startFakeDiscord();
  assistant = createDiscordTestAssistant();
  const pair = generateKeyPairSync('ed25519');
  privateKey = pair.privateKey;
  // Discord shows the public key as 32 raw bytes in hex: the tail of the SPKI DER.
  const publicKey = pair.publicKey
    .export({ format: 'der', type: 'spki' })
    .subarray(-32)
    .toString('hex');
  const handler = createDiscordInteractionHandler({
    assistant,
    catalog: createDemoCatalogLookup(),
    logger: pino({ level: 'silent' }),
    rest: new REST({ api: fake.apiBase }),
    applicationId: fake.applicationId,
    deferAfterMs: 100,
    settleMs: 10,
  });
  app = new Hono();
  app.route('/discord', discordInteractionsRoutes({ publicKey, handler, now: () => NOW }));
});

afterAll(async () => {
  await fake?.close();
});

function post(body: unknown, headers: Record<string, string> | 'sign' = 'sign', timestamp = NOW) {
  const raw = JSON.stringify(body);
  const h =
    headers === 'sign'
      ? {
          'x-signature-ed25519': sign(null, Buffer.from(`${timestamp}${raw}`), privateKey).toString(
            'hex',
          ),
          'x-signature-timestamp': String(timestamp),
        }
      : headers;
  return app.request('/discord/interactions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...h },
    body: raw,
  });
}

describe('discord HTTP interactions: signatures', () => {
  it('answers a signed PING with PONG', async () => {
    const res = await post({ type: 1, id: '1', application_id: '2', token: 't', version: 1 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it('rejects a bad signature (another key, or a tampered body)', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const raw = JSON.stringify({ type: 1 });
    const res = await app.request('/discord/interactions', {
      method: 'POST',
      headers: {
        'x-signature-ed25519': sign(null, Buffer.from(`${NOW}${raw}`), other).toString('hex'),
        'x-signature-timestamp': String(NOW),
      },
      body: raw,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: 'invalid request signature', details: null },
    });

    const sig = sign(null, Buffer.from(`${NOW}${raw}`), privateKey).toString('hex');
    const tampered = await app.request('/discord/interactions', {
      method: 'POST',
      headers: { 'x-signature-ed25519': sig, 'x-signature-timestamp': String(NOW) },
      body: JSON.stringify({ type: 2 }),
    });
    expect(tampered.status).toBe(401);
    const garbage = await post(
      { type: 1 },
      { 'x-signature-ed25519': 'zz', 'x-signature-timestamp': String(NOW) },
    );
    expect(garbage.status).toBe(401);
  });

  it('rejects a request without the signature headers', async () => {
    const cases: Record<string, string>[] = [
      {},
      { 'x-signature-timestamp': String(NOW) },
      { 'x-signature-ed25519': 'ab'.repeat(64) },
    ];
    for (const headers of cases) {
      const res = await post({ type: 1 }, headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('rejects a correctly signed request replayed with an old timestamp', async () => {
    const res = await post({ type: 1 }, 'sign', NOW - 301);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/too old/);
    expect((await post({ type: 1 }, 'sign', NOW - 299)).status).toBe(200);
  });
});

describe('discord HTTP interactions: dispatch to the command modules', () => {
  it('answers a fast command in the HTTP response', async () => {
    const p = chatInput(fake, fake.alice, 'balance');
    const res = await post(p);
    expect(await res.json()).toEqual({
      type: 4,
      data: {
        content: `Your balance: ${START_BALANCE} points`,
        embeds: [],
        components: [],
        allowed_mentions: { parse: [] },
        flags: MessageFlags.Ephemeral,
      },
    });
    expect(assistant.inbounds.at(-1)).toMatchObject({
      command: { name: 'balance' },
      eventId: p.id,
      context: { community: `discord:${fake.guildId}` },
    });
  });

  it('answers autocomplete with catalog titles', async () => {
    const res = await post(
      autocomplete(
        fake,
        fake.alice,
        'exchange',
        [{ name: 'item', type: Opt.String, value: 'note', focused: true }],
        { locale: 'zh-CN' },
      ),
    );
    const body = (await res.json()) as {
      type: number;
      data: { choices: { name: string; value: string }[] };
    };
    expect(body.type).toBe(8);
    expect(body.data.choices.map((c) => c.value)).toContain('notebook');
  });

  it('defers a slow command, then edits the original through REST', async () => {
    assistant.delays.set('checkin', 200);
    const p = chatInput(fake, fake.alice, 'checkin');
    const res = await post(p);
    const response = await res.json();
    expect(response).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    fake.acceptInteraction(p.id, p.token, response as Record<string, unknown>); // as Discord would on receiving it
    const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.path.includes(p.token));
    expect(edit.body.content).toBe('Checked in: +5 points');
    assistant.delays.clear();
  });

  it('answers an assistant failure with an ephemeral apology, not a 500', async () => {
    assistant.failNext();
    const res = await post(chatInput(fake, fake.alice, 'balance', [], { locale: 'zh-CN' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      type: 4,
      data: { content: '抱歉，出了点问题，请稍后再试。', flags: MessageFlags.Ephemeral },
    });
  });

  it('updates the pressed message for a button', async () => {
    const cmd = await post(
      chatInput(fake, fake.bob, 'redeem', [
        { name: 'course', type: Opt.String, value: 'sql-databases' },
      ]),
    );
    const data = (
      (await cmd.json()) as { data: { components: { components: { custom_id: string }[] }[] } }
    ).data;
    const confirm = data.components[0]!.components[0]!.custom_id;
    const res = await post(
      buttonPress(fake, fake.bob, { id: '1', channel_id: fake.channelId, ...data }, confirm),
    );
    const body = (await res.json()) as {
      type: number;
      data: { content: string; components: unknown[] };
    };
    expect(body.type).toBe(7);
    expect(body.data.components).toEqual([]);
    expect(body.data.content).toMatch(/^Redeemed sql-databases/);
  });
});

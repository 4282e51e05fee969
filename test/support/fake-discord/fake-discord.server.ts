// A small local Discord for end-to-end tests: REST under /api/v10 and a JSON, uncompressed
// gateway (ws) at /gateway. It plays Discord's side of the handshake (HELLO, IDENTIFY → READY +
// GUILD_CREATE, heartbeat ACKs), lets a test inject INTERACTION_CREATE / MESSAGE_CREATE, and
// records every request the bot makes. Like Discord it refuses a second acknowledgement of an
// interaction (40060), a first one after 3 s (10062) and webhook calls before any.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  createWorld,
  dmChannelId,
  guildCreate,
  snowflake,
  type FakeWorld,
} from './fake-discord.payloads.js';
import type { Json as JsonValue } from '../json.js';

export interface RecordedRequest {
  method: string;
  /** Path after /api/v10, e.g. /interactions/1/tok/callback. */
  path: string;
  query: Record<string, string>;
  body: JsonValue;
  status: number;
  /** performance.now() when the request arrived. */
  at: number;
}

interface InteractionState {
  id: string;
  token: string;
  sentAt: number;
  acknowledged: boolean;
  /** Id of the message the interaction answers (the original response) or was pressed on. */
  messageId?: string;
}

type Json = Record<string, JsonValue>;

export interface FakeDiscord extends FakeWorld {
  apiBase: string;
  gatewayUrl: string;
  requests: RecordedRequest[];
  /** Gateway frames received from the bot (IDENTIFY, heartbeats…). */
  received: Json[];
  /** Query strings the bot connected to the gateway with. */
  connections: Record<string, string>[];
  messages: Map<string, Json>;
  dispatch(t: string, d: unknown): void;
  /** Dispatches INTERACTION_CREATE; resolves with the payload (id, token). */
  sendInteraction<T extends { id: string; token: string }>(payload: T): T;
  /** For HTTP-mode interactions: the callback went in the HTTP response, not through here;
   * messageId is the pressed message for a component interaction. */
  acceptInteraction(id: string, token: string, response: Json, messageId?: string): void;
  sendMessage<T extends { id: string }>(payload: T): T;
  /** The current original response message of an interaction. */
  originalMessage(interactionId: string): Json;
  requestsFor(interactionIdOrToken: string): RecordedRequest[];
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  waitForGateway(pred: (frame: Json) => boolean, timeoutMs?: number): Promise<Json>;
  close(): Promise<void>;
}

export async function startFakeDiscord(
  opts: { heartbeatIntervalMs?: number } = {},
): Promise<FakeDiscord> {
  const w = createWorld();
  const requests: RecordedRequest[] = [];
  const received: Json[] = [];
  const connections: Record<string, string>[] = [];
  const messages = new Map<string, Json>();
  const interactions = new Map<string, InteractionState>(); // by id
  const byToken = new Map<string, InteractionState>();
  const sockets = new Set<WebSocket>();
  const waiters = new Set<() => void>();
  let seq = 0;
  const notify = () => waiters.forEach((f) => f());

  const server: Server = createServer((req, res) => void route(req, res));
  const wss = new WebSocketServer({ server, path: '/gateway' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const apiBase = `http://127.0.0.1:${port}/api`;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  function send(ws: WebSocket, frame: Json) {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  wss.on('connection', (ws, req) => {
    sockets.add(ws);
    connections.push(Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams));
    ws.on('close', () => sockets.delete(ws));
    send(ws, {
      op: 10,
      d: { heartbeat_interval: opts.heartbeatIntervalMs ?? 41_250 },
      s: null,
      t: null,
    });
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as Json;
      received.push(frame);
      notify();
      if (frame.op === 1) send(ws, { op: 11, d: null, s: null, t: null });
      else if (frame.op === 2) {
        if (frame.d?.token !== w.token) return ws.close(4004, 'Authentication failed.');
        send(ws, {
          op: 0,
          t: 'READY',
          s: ++seq,
          d: {
            v: 10,
            user: w.bot,
            guilds: [{ id: w.guildId, unavailable: true }],
            session_id: `s_${snowflake()}`,
            resume_gateway_url: gatewayUrl,
            shard: [0, 1],
            application: { id: w.applicationId, flags: 0 },
            private_channels: [],
            relationships: [],
            user_settings: {},
          },
        });
        send(ws, { op: 0, t: 'GUILD_CREATE', s: ++seq, d: guildCreate(w) });
      } else if (frame.op === 6) send(ws, { op: 0, t: 'RESUMED', s: ++seq, d: {} });
    });
  });

  function message(channelId: string, body: Json, extra: Json = {}): Json {
    return {
      id: snowflake(),
      channel_id: channelId,
      author: w.bot,
      content: body.content ?? '',
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      type: 0,
      flags: body.flags ?? 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      ...extra,
    };
  }

  function interactionMessage(_st: InteractionState, body: Json): Json {
    const m = message(w.channelId, body, {
      webhook_id: w.applicationId,
      application_id: w.applicationId,
    });
    messages.set(m.id, m);
    return m;
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body =
      text && (req.headers['content-type'] ?? '').includes('json')
        ? JSON.parse(text)
        : text || null;
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      status: 0,
      at: performance.now(),
    };
    const reply = (status: number, json?: unknown) => {
      rec.status = status;
      requests.push(rec);
      notify();
      res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const M = rec.method;
    const authed = req.headers.authorization === `Bot ${w.token}`;
    let m: RegExpMatchArray | null;

    if (!url.pathname.startsWith('/api/v10/'))
      return reply(404, { message: '404: Not Found', code: 0 });
    // Interaction callbacks and webhooks authenticate by token in the path, not the header.
    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && M === 'POST') {
      const st = interactions.get(m[1]!);
      if (!st || st.token !== m[2])
        return reply(404, { message: 'Unknown interaction', code: 10062 });
      if (st.acknowledged)
        return reply(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      if (performance.now() - st.sentAt > 3000)
        return reply(404, { message: 'Unknown interaction', code: 10062 });
      acknowledge(st, body);
      const type = body?.type as number;
      if (rec.query.with_response === 'true')
        return reply(200, { interaction: { id: st.id, type: 2 }, resource: { type } });
      return reply(204);
    }
    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(\/messages\/(@original|\d+))?$/))) {
      const st = byToken.get(m[2]!);
      if (!st || m[1] !== w.applicationId || !st.acknowledged)
        return reply(404, { message: 'Unknown Webhook', code: 10015 });
      const target = m[4] === '@original' ? st.messageId : m[4];
      if (!m[3] && M === 'POST') return reply(200, interactionMessage(st, body));
      const existing = target ? messages.get(target) : undefined;
      if (!existing) return reply(404, { message: 'Unknown Message', code: 10008 });
      if (M === 'GET') return reply(200, existing);
      if (M === 'PATCH') {
        Object.assign(existing, body, {
          flags: existing.flags & ~128,
          edited_timestamp: new Date().toISOString(),
        });
        return reply(200, existing);
      }
      if (M === 'DELETE') {
        messages.delete(existing.id);
        return reply(204);
      }
    }
    if (!authed) return reply(401, { message: '401: Unauthorized', code: 0 });
    if (path === '/gateway/bot' && M === 'GET') {
      return reply(200, {
        url: gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (path === '/gateway' && M === 'GET') return reply(200, { url: gatewayUrl });
    if (path === '/users/@me' && M === 'GET') return reply(200, w.bot);
    if (path === '/applications/@me' && M === 'GET')
      return reply(200, { id: w.applicationId, name: 'xuefen', bot: w.bot, flags: 0 });
    if ((m = path.match(/^\/applications\/(\d+)(\/guilds\/(\d+))?\/commands$/))) {
      if (M === 'PUT' && Array.isArray(body))
        return reply(
          200,
          body.map((c: Json) => ({
            ...c,
            id: snowflake(),
            application_id: m![1],
            version: snowflake(),
            ...(m![3] ? { guild_id: m![3] } : {}),
          })),
        );
      if (M === 'GET') return reply(200, []);
    }
    if (path === '/users/@me/channels' && M === 'POST') {
      const recipient = [w.alice, w.mod, w.bob].find((u) => u.id === body?.recipient_id);
      if (!recipient) return reply(400, { message: 'Invalid Recipient(s)', code: 50033 });
      return reply(200, {
        id: dmChannelId(recipient),
        type: 1,
        recipients: [recipient],
        last_message_id: null,
      });
    }
    if ((m = path.match(/^\/channels\/(\d+)\/messages$/)) && M === 'POST') {
      const created = message(
        m[1]!,
        body,
        body?.message_reference ? { message_reference: body.message_reference, type: 19 } : {},
      );
      messages.set(created.id, created);
      return reply(200, created);
    }
    if (path.match(/^\/channels\/\d+\/messages\/\d+\/reactions\/[^/]+\/@me$/) && M === 'PUT')
      return reply(204);
    if (path.match(/^\/channels\/\d+\/typing$/) && M === 'POST') return reply(204);
    return reply(404, { message: '404: Not Found', code: 0 });
  }

  function acknowledge(st: InteractionState, response: Json) {
    st.acknowledged = true;
    const type = response?.type as number;
    if (type === 4 || type === 5)
      st.messageId = interactionMessage(
        st,
        type === 4 ? response.data : { content: '', flags: (response.data?.flags ?? 0) | 128 },
      ).id;
    else if (type === 7 && st.messageId)
      Object.assign(messages.get(st.messageId)!, response.data, {
        edited_timestamp: new Date().toISOString(),
      });
  }

  function track(id: string, token: string, messageId?: string): InteractionState {
    const st: InteractionState = {
      id,
      token,
      sentAt: performance.now(),
      acknowledged: false,
      messageId,
    };
    interactions.set(id, st);
    byToken.set(token, st);
    return st;
  }

  const fake: FakeDiscord = {
    ...w,
    apiBase,
    gatewayUrl,
    requests,
    received,
    connections,
    messages,
    dispatch(t, d) {
      const frame = JSON.stringify({ op: 0, t, s: ++seq, d });
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
    },
    sendInteraction(payload) {
      const pressed = (payload as { message?: { id?: string } }).message?.id;
      const st = track(payload.id, payload.token, pressed);
      st.sentAt = performance.now();
      fake.dispatch('INTERACTION_CREATE', payload);
      return payload;
    },
    acceptInteraction(id, token, response, messageId) {
      acknowledge(track(id, token, messageId), response);
    },
    sendMessage(payload) {
      fake.dispatch('MESSAGE_CREATE', payload);
      return payload;
    },
    originalMessage(interactionId) {
      const st = interactions.get(interactionId);
      const msg = st?.messageId ? messages.get(st.messageId) : undefined;
      if (!msg) throw new Error(`no original message for interaction ${interactionId}`);
      return structuredClone(msg);
    },
    requestsFor(key) {
      return requests.filter((r) => r.path.includes(`/${key}/`) || r.path.endsWith(`/${key}`));
    },
    waitFor(pred, timeoutMs = 5000) {
      return waitUntil(() => requests.find(pred), timeoutMs, 'request');
    },
    waitForGateway(pred, timeoutMs = 5000) {
      return waitUntil(() => received.find(pred), timeoutMs, 'gateway frame');
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (!hit) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake discord: no matching ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });
  }

  return fake;
}

// A JSON body that is not valid UTF-8 is refused with a 400 and changes nothing: it used to be
// decoded with U+FFFD in place of the bad bytes and stored (also in chat messages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createHarness, http, newUser, type Harness } from './support/harness.js';

// Each is invalid UTF-8 in its own way; TextDecoder without `fatal` turns all into U+FFFD.
const BAD_BYTES: [string, number[]][] = [
  ['a lone 0xFF', [0xff]],
  ['a truncated two-byte sequence', [0xc3, 0x28]],
  ['an overlong "/"', [0xc0, 0xaf]],
  ['an encoded UTF-16 surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
  ['a stray continuation byte', [0x80]],
  ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
];

/** JSON text with `bytes` spliced into the string value that holds the marker `@@`. */
function bodyWith(json: unknown, bytes: number[]): Uint8Array {
  const [before, after] = JSON.stringify(json).split('@@') as [string, string];
  return new Uint8Array([...Buffer.from(before), ...bytes, ...Buffer.from(after)]);
}

describe('invalid UTF-8 in a JSON body', () => {
  let h: Harness;
  let api: ReturnType<typeof http>;
  let userId: number;
  beforeAll(async () => {
    h = await createHarness();
    api = http(h.app);
    userId = (await newUser(h, { balance: 100 })).id;
  });
  afterAll(async () => h?.close());

  const send = async (
    method: string,
    path: string,
    body: Uint8Array | ReadableStream<Uint8Array>,
    headers: Record<string, string> = {},
  ) => {
    const res = await h.app.request(path, {
      method,
      body,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ADMIN_KEY}`,
        ...headers,
      },
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
    return {
      status: res.status,
      body: (await res.json()) as { error: { code: string; message: string } },
    };
  };

  const expectRefused = (res: {
    status: number;
    body: { error: { code: string; message: string } };
  }) => {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toMatch(/UTF-8/);
  };

  it.each(BAD_BYTES)('refuses %s in a new user, and stores nothing', async (_name, bytes) => {
    const externalId = `utf8-${bytes.join('-')}`;
    const declared = bodyWith({ channel: 'web', externalId, displayName: 'x@@y' }, bytes);
    // Once with a Content-Length (how most clients send) and once streamed without one.
    expectRefused(
      await send('POST', '/v1/users', declared, { 'content-length': String(declared.byteLength) }),
    );
    const streamed = new ReadableStream<Uint8Array>({
      start: (c) => (c.enqueue(declared), c.close()),
    });
    expectRefused(await send('POST', '/v1/users', streamed));
    // The same identity with a valid name is new: the refused requests created nothing.
    const created = await api('POST', '/v1/users', {
      body: { channel: 'web', externalId, displayName: 'xy' },
    });
    expect(created.status).toBe(201);
  });

  it('refuses it in a grant reason and moves no points', async () => {
    expectRefused(
      await send(
        'POST',
        '/v1/admin/grants',
        bodyWith({ userId, amount: 5, reason: 'bonus @@' }, [0xff]),
        { 'idempotency-key': 'utf8-grant' },
      ),
    );
    expect((await api('GET', `/v1/users/${userId}/balance`)).body.balance).toBe(100);
    // The key was not used up by the refusal: the valid request goes through under it.
    const ok = await api('POST', '/v1/admin/grants', {
      body: { userId, amount: 5, reason: 'bonus' },
      headers: { 'idempotency-key': 'utf8-grant' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.replayed).toBe(false);
  });

  it('refuses it in an FAQ entry', async () => {
    const faq = { questions: { zh: ['问@@'], en: ['q'] }, answer: { zh: '答', en: 'a' } };
    expectRefused(await send('PUT', '/v1/admin/faq/utf8-faq', bodyWith(faq, [0xe4, 0xb8])));
    expect(
      ((await api('GET', '/v1/admin/faq')).body.items as { id: string }[]).some(
        (e) => e.id === 'utf8-faq',
      ),
    ).toBe(false);
  });

  it('refuses it in chat text, with a key and without one (the web session)', async () => {
    const withKey = bodyWith(
      { user: { channel: 'telegram', externalId: 'utf8-chat' }, text: 'hi @@' },
      [0xff, 0xfe],
    );
    expectRefused(await send('POST', '/v1/chat', withKey));
    const keyless = bodyWith({ user: { channel: 'web' }, text: '我有多少积分@@' }, [0xe7, 0xa7]);
    expectRefused(await send('POST', '/v1/chat', keyless, { authorization: '' }));
    // No user came of the refused turn.
    const seen = await api('POST', '/v1/users', {
      body: { channel: 'telegram', externalId: 'utf8-chat' },
    });
    expect(seen.status).toBe(201);
  });

  it('takes valid UTF-8 of every length (Chinese, emoji, a byte-order mark) as before', async () => {
    const name = '学分 🎓 ok';
    const res = await send(
      'POST',
      '/v1/users',
      new Uint8Array(
        Buffer.from(JSON.stringify({ channel: 'web', externalId: 'utf8-good', displayName: name })),
      ),
    );
    expect(res.status).toBe(201);
    expect((res.body as unknown as { displayName: string }).displayName).toBe(name);
    const chat = await send(
      'POST',
      '/v1/chat',
      new Uint8Array([
        0xef,
        0xbb,
        0xbf,
        ...Buffer.from(
          JSON.stringify({ user: { channel: 'web', externalId: 'utf8-bom' }, text: '你好 👋' }),
        ),
      ]),
    );
    expect(chat.status).toBe(200);
  });
});

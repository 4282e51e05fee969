// A chat turn skips the referral check once its dialog state says no join reward can be due;
// chat check-ins and redemptions leave that check to the turn. A merge can make the survivor
// the invitee of the merged user's referral, and then the survivor's next turn rewards the
// inviter.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  createHarness,
  expectLedgerOk,
  http,
  newUser,
  SERVICE_KEY,
  stackWithClock,
  uniqueKey,
  type Harness,
  type Stack,
} from './support/harness.js';

let h: Harness;
let st: Stack;
beforeAll(async () => {
  h = await createHarness();
  st = await stackWithClock(h);
});
afterAll(async () => h?.close());
afterEach(async () => {
  await expectLedgerOk(st.s);
});

async function say(ext: string, text: string) {
  const r = await http(st.app, { key: SERVICE_KEY })('POST', '/v1/chat', {
    body: { user: { channel: 'telegram', externalId: ext, displayName: 'Li' }, text },
  });
  expect(r.status, r.text).toBe(200);
}

it("a referral moved to the survivor by a merge rewards the inviter at the survivor's next turn", async () => {
  const inviter = await newUser(st);
  const ext = uniqueKey('tg');
  const survivor = await newUser(st, { channel: 'telegram', externalId: ext });
  await say(ext, '你好'); // nothing due: the dialog state remembers it
  const merged = await newUser(st);
  await st.s.referrals.accept(merged.id, await st.s.referrals.codeOf(inviter.id));
  const { code } = await st.s.link.createCode(survivor.id);
  const merge = await st.s.link.redeemCode(merged.id, code);
  expect(merge).toMatchObject({ userId: survivor.id, mergedUserId: merged.id });
  expect((await st.s.account.balance(inviter.id)).balance).toBe(0);

  await say(ext, '我还有多少积分');
  expect((await st.s.account.balance(inviter.id)).balance).toBe(500);
  expect(await st.s.referrals.info(inviter.id)).toMatchObject({ invited: 1, rewarded: 1 });
});

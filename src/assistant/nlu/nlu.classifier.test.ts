import { describe, expect, it } from 'vitest';
import { createNlu } from './nlu.js';
import { demoNluCatalog } from './nlu.demo.js';
import { INTENT_IDS } from './nlu.types.js';

const nlu = createNlu(demoNluCatalog());

describe('calibration', () => {
  it.each(['我还有多少积分', 'redeem the pandas course', 'asdf qwer', '', '🙂'])(
    'probabilities sum to 1 for %j',
    (text) => {
      const s = nlu.scores(text);
      expect(Object.keys(s).sort()).toEqual([...INTENT_IDS].sort());
      const sum = Object.values(s).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 9);
      const r = nlu.parse(text);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      expect(r.ranking).toHaveLength(3);
      expect(r.ranking[0]!.score).toBeGreaterThanOrEqual(r.ranking[1]!.score);
    },
  );
});

describe('intents', () => {
  it.each([
    ['帮我看下积分还剩几个', 'balance'],
    ['how do I earn more points', 'earn_points'],
    ['用积分换sql课', 'redeem_course'],
    ['I want to buy the ML course', 'buy_course'],
    ['我的快递到哪了', 'order_status'],
    ['积分什么时候到期', 'points_expiry'],
    ['转人工客服', 'human_agent'],
  ])('%s → %s', (text, intent) => {
    expect(nlu.parse(text).intent).toBe(intent);
  });
  it('keeps item entities only for mall intents', () => {
    const r = nlu.parse('兑换两个笔记本');
    expect(r.intent).toBe('redeem_item');
    expect(r.entities).toMatchObject({ item: 'notebook', quantity: 2 });
    expect(nlu.parse('python课讲什么').entities.item).toBeUndefined();
  });
});

describe('out of scope', () => {
  it.each([
    'asdkjh qwpeoi zxmcnv',
    '',
    '   ',
    '🙂🙂🙂',
    '明天会下雨吗',
    "what's the capital of peru",
    '啊吧啊吧',
  ])('%j → out_of_scope', (text) => {
    expect(nlu.parse(text).intent).toBe('out_of_scope');
  });
  it('handles 10,000 characters quickly without throwing', () => {
    const long = '积分'.repeat(2000) + 'x'.repeat(6000);
    const t0 = performance.now();
    const r = nlu.parse(long);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(INTENT_IDS).toContain(r.intent);
    const junk = Array.from({ length: 10_000 }, (_, i) =>
      String.fromCharCode(33 + ((i * 7919) % 90)),
    ).join('');
    expect(() => nlu.parse(junk)).not.toThrow();
  });
  it('survives non-string input from untyped callers', () => {
    expect(nlu.parse(undefined as unknown as string).intent).toBe('out_of_scope');
  });
  it('detects language with a hint', () => {
    expect(nlu.parse('👍', { lang: 'zh' }).lang).toBe('zh');
    expect(nlu.parse('hello').lang).toBe('en');
    expect(nlu.parse('你好').lang).toBe('zh');
  });
});

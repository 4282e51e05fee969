import { describe, expect, it } from 'vitest';
import { SEED_FAQ } from './data/faq.js';
import { createFaqIndex } from './faq.js';

const faq = createFaqIndex(SEED_FAQ);

describe('faq', () => {
  it('has bilingual seed entries', () => {
    expect(SEED_FAQ.length).toBeGreaterThanOrEqual(25);
    for (const e of SEED_FAQ) {
      expect(e.questions.zh.length).toBeGreaterThan(1);
      expect(e.questions.en.length).toBeGreaterThan(1);
      expect(e.answer.zh && e.answer.en).toBeTruthy();
    }
    expect(new Set(SEED_FAQ.map((e) => e.id)).size).toBe(SEED_FAQ.length);
  });
  it.each([
    ['积分多久会过期', 'points-expiry'],
    ['签到连续有额外奖励吗', 'checkin-rules'],
    ['优惠券怎么使用', 'coupons'],
    ['VIP有哪些好处', 'tier-benefits'],
    ['can I link my discord account', 'account-link'],
    ['why are my points pending', 'pending-points'],
    ['how long does shipping take for the cup', 'shipping-time'],
  ])('%s → %s', (q, id) => {
    expect(faq.search(q)?.entry.id).toBe(id);
  });
  it('answers in the requested language', () => {
    expect(faq.search('积分多久会过期', 'en')?.answer).toMatch(/12th month/);
    expect(faq.search('do points expire', 'zh')?.answer).toMatch(/12 个月/);
  });
  it('returns null below the threshold', () => {
    expect(faq.search('今天天气怎么样')).toBeNull();
    expect(faq.search('tell me a joke')).toBeNull();
    expect(faq.search('')).toBeNull();
  });
  it('indexes entries passed at runtime', () => {
    const idx = createFaqIndex([
      {
        id: 'x',
        questions: { zh: ['直播课在哪看'], en: ['where are live classes'] },
        answer: { zh: '在直播页', en: 'On the live page' },
      },
    ]);
    expect(idx.search('直播课在哪里看', 'zh')?.answer).toBe('在直播页');
  });
});

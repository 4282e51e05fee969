import { describe, expect, it } from 'vitest';
import { detectLang, normalizeText } from './nlu.normalize.js';
import { cjkNgrams, tokenize } from './nlu.tokenize.js';

const texts = (s: string) => tokenize(s).map((t) => t.text);

describe('tokenize', () => {
  it('segments Chinese into words', () => {
    expect(texts('我的积分什么时候过期')).toEqual(['我的', '积分', '什么时候', '过期']);
  });
  it('lowercases and stems English', () => {
    const toks = tokenize('Redeeming Neural Networks');
    expect(toks.map((t) => t.text)).toEqual(['redeeming', 'neural', 'networks']);
    expect(toks.map((t) => t.norm)).toEqual(['redeem', 'neural', 'network']);
  });
  it('splits mixed zh/en', () => {
    expect(texts('python课多少积分')).toEqual(['python', '课', '多少', '积分']);
  });
  it('drops emoji and punctuation', () => {
    expect(texts('你好👋！hi 🙂')).toEqual(['你好', 'hi']);
    expect(tokenize('🍕🍕🍕')).toEqual([]);
  });
  it('folds full-width characters', () => {
    expect(normalizeText('ＰＹＴＨＯＮ　课程１２')).toBe('python 课程12');
    expect(texts('ＰＹＴＨＯＮ课')).toEqual(['python', '课']);
  });
  it('makes CJK unigrams and bigrams', () => {
    expect(cjkNgrams('积分a过期')).toEqual(['积', '分', '积分', '过', '期', '过期']);
  });
  it('detects language with a hint fallback', () => {
    expect(detectLang('python课')).toBe('zh');
    expect(detectLang('hello')).toBe('en');
    expect(detectLang('👍', 'zh')).toBe('zh');
  });
});

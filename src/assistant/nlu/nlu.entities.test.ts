import { describe, expect, it } from 'vitest';
import { createNlu } from './nlu.js';
import { demoNluCatalog } from './nlu.demo.js';
import { parseZhNumber } from './nlu.numbers.js';

const nlu = createNlu(demoNluCatalog());
const ents = (t: string) => nlu.parse(t).allEntities;

describe('course and item resolution', () => {
  it.each([
    ['python课多少积分', 'python-basics'],
    ['tell me about the pyhton course', 'python-basics'],
    ['buy the pandsa course', 'data-analysis-pandas'],
    ['is ML hard?', 'machine-learning-intro'],
    ['DL课程讲什么', 'deep-learning'],
    ['py 入门课', 'python-basics'],
    ['I like neural network stuff', 'deep-learning'],
    ['机器学习实战多少钱', 'machine-learning-intro'],
    ['Product Management Essentials price', 'product-management'],
    ['深度学习与神经网络', 'deep-learning'],
    ['时间管理课', 'time-management'],
    ['SQL AND DATABASE FUNDAMENTALS', 'sql-databases'],
  ])('%s → %s', (text, slug) => {
    expect(ents(text).course).toBe(slug);
  });

  it.each([
    ['换一个保温杯', 'thermos-cup'],
    ['redeem the Tote Bag', 'tote-bag'],
    ['兑换20元课程优惠券', 'coupon-20'],
    ['get the noise cancelling headphones', 'headphones'],
    ['我要那个包', 'tote-bag'],
    ['atomic habits ebook please', 'ebook-habits'],
  ])('%s → item %s', (text, slug) => {
    expect(ents(text).item).toBe(slug);
  });

  it('avoids false positives', () => {
    expect(ents('这门课包括哪些内容').item).toBeUndefined();
    expect(ents('我抢到一个红包').item).toBeUndefined();
    expect(ents('show me some data').course).toBeUndefined();
    expect(ents('show me some data').topic).toBe('data');
    expect(ents('what time is it').course).toBeUndefined();
    expect(ents('take a note').item).toBeUndefined();
    expect(ents('still waiting for my order').course).toBeUndefined();
    expect(ents('do i get points for inviting').course).toBeUndefined();
  });

  it('finds topics', () => {
    expect(ents('有没有理财方面的课').topic).toBe('finance');
    expect(ents('any design courses').topic).toBe('design');
  });
});

describe('numbers and mentions', () => {
  it.each([
    ['兑换两个笔记本', 2],
    ['换三本笔记本', 3],
    ['换十二个保温杯', 12],
    ['get 2 notebooks', 2],
    ['notebook x3', 3],
    ['two tote bags', 2],
    ['换2个杯子', 2],
  ])('%s → quantity %d', (text, q) => {
    expect(ents(text).quantity).toBe(q);
  });
  it('does not read numbers inside names as quantities', () => {
    expect(ents('兑换20元课程优惠券').quantity).toBeUndefined();
    expect(ents('7天VIP体验卡').quantity).toBeUndefined();
    expect(ents('personal finance 101').quantity).toBeUndefined();
  });
  it('parses amounts', () => {
    expect(ents('用500积分换课').amount).toBe(500);
    expect(ents('grant @alice 50').amount).toBe(50);
    expect(ents('give 30 points to bob').amount).toBe(30);
    expect(ents('两千积分能换什么').amount).toBe(2000);
  });
  it('parses user mentions', () => {
    expect(ents('grant @alice_01 50').user).toBe('alice_01');
    expect(ents('<@123456789> 签到').user).toBe('123456789');
    expect(ents('<@!98765> hi').user).toBe('98765');
    expect(ents('mail me at a@b.com').user).toBeUndefined();
  });
  it('parses Chinese numerals', () => {
    expect(parseZhNumber('十二')).toBe(12);
    expect(parseZhNumber('二十')).toBe(20);
    expect(parseZhNumber('两千五')).toBe(2500);
    expect(parseZhNumber('一百零五')).toBe(105);
    expect(parseZhNumber('三万')).toBe(30000);
  });
});

describe('runtime catalog', () => {
  it('matches a course added through updateCatalog', () => {
    const local = createNlu(demoNluCatalog());
    expect(local.parse('tell me about the rust course').allEntities.course).toBeUndefined();
    const cat = demoNluCatalog();
    cat.courses = [
      ...cat.courses,
      {
        slug: 'rust-systems',
        titleZh: 'Rust 系统编程',
        titleEn: 'Systems Programming in Rust',
        category: 'programming',
        tags: ['rust'],
        aliases: ['rust', 'rust课'],
      },
    ];
    local.updateCatalog(cat);
    const r = local.parse('tell me about the rust course');
    expect(r.intent).toBe('course_detail');
    expect(r.entities.course).toBe('rust-systems');
    expect(local.parse('Rust课多少积分').entities.course).toBe('rust-systems');
    cat.courses.push({
      slug: 'k8s',
      titleZh: 'Kubernetes 实战',
      titleEn: 'Kubernetes in Practice',
      aliases: ['k8s'],
    });
    local.updateCatalog(cat);
    expect(local.parse('kuberentes课多少积分').allEntities.course).toBe('k8s');
    expect(local.parse('K8S课讲什么').entities.course).toBe('k8s');
  });
});

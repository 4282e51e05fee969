import { describe, expect, it } from 'vitest';
import { loadCommands } from './command.registry.js';
import { commandModules } from './commands/index.js';
import type { Command } from './discord.types.js';

const EXPECTED = [
  'balance',
  'history',
  'checkin',
  'courses',
  'course',
  'redeem',
  'mall',
  'exchange',
  'orders',
  'tier',
  'top',
  'invite',
  'link',
  'ask',
  'help',
  'grant',
  'undo',
];

describe('discord command modules', () => {
  it('all load, with the names and options of the issue, localized zh-CN / en-US', () => {
    const registry = loadCommands(commandModules);
    expect([...registry.keys()]).toEqual(EXPECTED);
    const options = (name: string) =>
      (registry.get(name)!.data.options ?? []).map((o) => `${o.name}${o.required ? '' : '?'}`);
    expect(options('courses')).toEqual(['topic?']);
    expect(options('course')).toEqual(['course']);
    expect(options('redeem')).toEqual(['course']);
    expect(options('exchange')).toEqual(['item', 'quantity?']);
    expect(options('top')).toEqual(['period?']);
    expect(options('link')).toEqual(['code']);
    expect(options('ask')).toEqual(['question']);
    expect(options('grant')).toEqual(['user', 'amount', 'reason']);
    for (const c of registry.values()) {
      expect(c.data.description_localizations?.['zh-CN']).toMatch(/\p{Script=Han}/u);
      expect(c.data.description_localizations?.['en-US']).toBe(c.data.description);
    }
  });

  it('rejects a malformed module when loading', () => {
    const bad = {
      data: { name: 'Bad Name', description: '' },
      personal: true,
    } as unknown as Command;
    expect(() => loadCommands([bad])).toThrow(
      /invalid Discord command modules: \/Bad Name data\.name/,
    );
    const noHandler = {
      ...commandModules.find((c) => c.data.name === 'redeem')!,
      autocomplete: undefined,
    };
    expect(() => loadCommands([noHandler])).toThrow(/autocomplete/);
    expect(() => loadCommands([commandModules[0]!, commandModules[0]!])).toThrow(/defined twice/);
  });

  it('/ask passes the question as free text; /grant passes the user as a mention', () => {
    const registry = loadCommands(commandModules);
    expect(
      registry.get('ask')!.toInbound!({ values: { question: '怎么赚积分' }, users: {} }),
    ).toEqual({
      command: { name: 'ask', args: { question: '怎么赚积分' }, text: '怎么赚积分' },
      text: '怎么赚积分',
    });
  });
});

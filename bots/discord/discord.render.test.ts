import { ButtonStyle } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { renderReply } from './discord.render.js';

describe('renderReply', () => {
  it('puts at most 5 buttons a row and 5 rows, dropping ids Discord would refuse', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, label: `B${i}` }));
    buttons.push({ id: 'x'.repeat(101), label: 'too long' }, { id: 'b1', label: 'duplicate' });
    const m = renderReply({ text: 'pick', buttons });
    expect(m.components).toHaveLength(5);
    expect(m.components.every((r) => r.components.length === 5)).toBe(true);
    expect(m.dropped).toHaveLength(7);
    expect(m.components[0]!.components[0]).toMatchObject({
      style: ButtonStyle.Primary,
      custom_id: 'b0',
    });
    expect(m.components[0]!.components[1]).toMatchObject({ style: ButtonStyle.Secondary });
  });

  it('renders URL buttons as links and cards as embeds; clips long text', () => {
    const m = renderReply({
      text: 'x'.repeat(2500),
      cards: [
        {
          title: 'Python',
          subtitle: '199 元',
          buttons: [{ id: 'pay', label: 'Pay', url: 'https://pay.example/1' }],
        },
      ],
    });
    expect(m.content).toHaveLength(2000);
    expect(m.embeds).toEqual([{ title: 'Python', description: '199 元' }]);
    expect(m.components[0]!.components[0]).toMatchObject({
      style: ButtonStyle.Link,
      url: 'https://pay.example/1',
    });
  });

  it('never sends an empty message', () => {
    expect(renderReply({ text: '' }).content).not.toBe('');
  });
});

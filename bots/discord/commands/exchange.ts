// /exchange <item> [quantity]: exchange points for a mall item (slug chosen by autocomplete).
import { anywhere, describe, integerOption, stringOption, toChoices } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'exchange',
    ...describe('Exchange points for a mall item', '用积分兑换商城商品'),
    options: [
      stringOption('item', 'The mall item', '商城商品', {
        required: true,
        autocomplete: true,
        maxLength: 100,
      }),
      integerOption('quantity', 'How many (default 1)', '数量（默认 1）', { min: 1, max: 99 }),
    ],
    ...anywhere,
  },
  personal: true,
  async autocomplete(query, catalog) {
    return toChoices(await catalog.searchItems(query.value, query.lang));
  },
} satisfies Command;

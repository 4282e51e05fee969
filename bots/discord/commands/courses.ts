// /courses [topic]: browse the course catalog, optionally by topic.
import { anywhere, describe, stringOption } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'courses',
    ...describe('Browse courses', '浏览课程'),
    options: [
      stringOption('topic', 'A topic such as python or design', '主题，例如 Python 或设计', {
        maxLength: 100,
      }),
    ],
    ...anywhere,
  },
  personal: false,
} satisfies Command;

// /ask <question>: free text through the assistant, as if typed in a DM.
import { anywhere, describe, stringOption } from '../command.helpers.js';
import type { Command } from '../discord.types.js';

export default {
  data: {
    name: 'ask',
    ...describe('Ask the assistant anything', '向助手提问'),
    options: [
      stringOption('question', 'Your question', '你的问题', { required: true, maxLength: 500 }),
    ],
    ...anywhere,
  },
  personal: true,
  toInbound({ values }) {
    const question = String(values.question ?? '');
    return { command: { name: 'ask', args: { question }, text: question }, text: question };
  },
} satisfies Command;

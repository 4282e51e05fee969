// Assembles the default training set from the zh, en and chat-register utterance files.
import { INTENTS_CHAT } from './data/intents.chat.js';
import { INTENTS_EN } from './data/intents.en.js';
import { INTENTS_ZH } from './data/intents.zh.js';
import { INTENT_IDS, type TrainingExample } from './nlu.types.js';

export function defaultTrainingExamples(): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const intent of INTENT_IDS) {
    for (const text of INTENTS_ZH[intent]) out.push({ text, intent });
    for (const text of INTENTS_EN[intent]) out.push({ text, intent });
    for (const text of INTENTS_CHAT[intent]) out.push({ text, intent });
  }
  return out;
}

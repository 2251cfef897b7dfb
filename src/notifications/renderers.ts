/**
 * The renderers the bot knows, by `message.kind`. Features add theirs here (`feed.*`, `candidate.*`, `approval.*`):
 * each turns a notice's data into a card or a text in the recipient's language, like a handler's Reply.
 */
import { hasString, t } from '../i18n/strings';
import type { Renderer, RendererRegistry } from './chat';

/**
 * `text`: one sentence from the string tables, e.g. `{ kind: 'text', data: { key: 'feed.job_in_feed', params: { id } } }`,
 * for notices that need no card.
 */
const text: Renderer = (language, data) => {
  const key = String(data.key ?? '');
  if (!hasString(key)) throw new Error(`unknown string key "${key}"`);
  const params = (data.params ?? {}) as Record<string, string | number>;
  return { text: t(language, key, params) };
};

export const builtInRenderers: RendererRegistry = { text };

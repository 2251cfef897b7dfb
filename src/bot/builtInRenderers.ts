/**
 * The renderers the bot knows, by `message.kind`. Features add theirs (`feed.*`, `candidate.*`, `approval.*`) to the
 * registry built in buildApp (src/app.ts): each turns a notice's data into a card or a text in the recipient's language, like
 * a handler's Reply, and throws on data it cannot show (the notice is then parked as `unrenderable`).
 */
import { noticeCard } from './views';
import { hasString, t, type Language } from '../i18n/strings';
import type { Renderer, RendererRegistry } from '../shared/types';

function sentence(language: Language, data: Record<string, unknown>): string {
  const key = String(data.key ?? '');
  if (!hasString(key)) throw new Error(`unknown string key "${key}"`);
  return t(language, key, (data.params ?? {}) as Record<string, string | number>);
}

/** `{ kind: 'text', data: { key: 'feed.job_in_feed', params: { id } } }`: one sentence from the string tables. */
const text: Renderer = (language, data) => ({ text: sentence(language, data) });

/** `{ kind: 'notice', data: { key, params, tone?: 'good' | 'attention' } }`: the same sentence on the notice card. */
const notice: Renderer = (language, data) => ({
  card: noticeCard(sentence(language, data), data.tone === 'good' || data.tone === 'attention' ? data.tone : 'default')
});

export const builtInRenderers: RendererRegistry = { text, notice };

import { z } from 'zod';
import { FAQ_TOPIC_IDS, matchFaq } from '../../domain/faq';
import { faqAnswerCard, faqListCard, faqSuggestCard } from '../faqViews';
import type { CardHandler, MessageHandler } from '../types';
import { fallback } from './help';

/** `help linkedin` / `hjelp linkedin`. */
export const showFaqList: MessageHandler = (_deps, caller) => Promise.resolve({ card: faqListCard(caller.language) });

export const showFaqListFromCard: CardHandler = (_deps, caller) => Promise.resolve({ card: faqListCard(caller.language) });

const topicSubmit = z.object({ topic: z.enum(FAQ_TOPIC_IDS) });

/** A topic button; a forged or stale topic id gets the list of topics. */
export const showFaqTopic: CardHandler = async (deps, caller, data) => {
  const parsed = topicSubmit.safeParse(data);
  if (!parsed.success) return { card: faqListCard(caller.language) };
  const settings = await deps.settings.get(caller.tenantId);
  return { card: faqAnswerCard(caller.language, parsed.data.topic, settings) };
};

/**
 * Whatever no command matched: an answer when the text clearly asks one FAQ question, a short "did you mean" list when
 * it could be a few, otherwise the generic fallback. Commands are tried first, so "help" stays the help card.
 */
export const answerOrFallback: MessageHandler = async (deps, caller, match) => {
  const found = matchFaq(match.input ?? match[0] ?? '');
  if (found.kind === 'none') return fallback(deps, caller, match);
  if (found.kind === 'suggest') return { card: faqSuggestCard(caller.language, found.topics) };
  const settings = await deps.settings.get(caller.tenantId);
  return { card: faqAnswerCard(caller.language, found.topic, settings) };
};

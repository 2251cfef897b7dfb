/**
 * Which LinkedIn question a free-text message asks, in English or Norwegian. Pure: no I/O, no strings shown to users
 * (the answers live in `i18n/faqStrings.ts`). The topics follow LinkedIn integration FAQ that Dynamics 365 Talent
 * (Attract) published, adapted to this bot.
 *
 * Matching is a small weighted keyword score per topic rather than a classifier: every weight is visible here and a
 * test names each phrasing it must understand. A message only gets an answer when one topic clearly wins; close
 * scores become a short "did you mean" list, and text that is not about LinkedIn falls through to the fallback.
 */

export const FAQ_TOPIC_IDS = [
  'features',
  'prerequisites',
  'how_to_post',
  'candidates',
  'get_help',
  'admin_setup',
  'export_candidates',
  'premium_slots',
  'post_types',
  'batch_frequency',
  'options_table',
  'rsc_licence'
] as const;
export type FaqTopicId = (typeof FAQ_TOPIC_IDS)[number];

/** The seed's two sections: questions from recruiters and hiring managers, and from admins. */
export type FaqAudience = 'everyone' | 'admins';

interface Signal {
  pattern: RegExp;
  weight: number;
}

export interface FaqTopic {
  id: FaqTopicId;
  audience: FaqAudience;
  /** Topics offered as "related" buttons under the answer. */
  related: FaqTopicId[];
  signals: Signal[];
}

/** An answer needs this score; a "did you mean" list needs SUGGEST_MIN and a message that is about LinkedIn. */
export const ANSWER_MIN = 3;
export const SUGGEST_MIN = 2;
/** A runner-up this close to the best makes the question ambiguous. */
export const TIE_MARGIN = 1;
export const MAX_SUGGESTIONS = 3;

/**
 * JavaScript's `\b` and `\w` know only ASCII letters, so "få" would never end a word. Patterns are written with them
 * for readability and compiled with Unicode letter classes instead.
 */
function unicodeWords(pattern: RegExp): RegExp {
  const letter = '[\\p{L}\\p{N}_]';
  const boundary = `(?:(?<=${letter})(?!${letter})|(?<!${letter})(?=${letter}))`;
  return new RegExp(pattern.source.replace(/\\b/g, boundary).replace(/\\w/g, letter), 'u');
}

/** Words that say the message is about this integration; they add CONTEXT_BONUS to topics that already scored. */
const CONTEXT = unicodeWords(/\b(linked ?in|integrat\w*|integrasjon\w*|feed\w*|bot\w*|teams|rsc|recruiter\w*|rekrutter\w*)\b/);
const CONTEXT_BONUS = 1;

const s = (pattern: RegExp, weight: number): Signal => ({ pattern: unicodeWords(pattern), weight });

// Patterns run on normalised text (lower case, apostrophes dropped, punctuation as spaces), so "isn't" is "isnt".
// Norwegian letters are kept; `[øo]`, `[åa]` and `[æa]` also accept text typed without them.
export const FAQ_TOPICS: readonly FaqTopic[] = [
  {
    id: 'features',
    audience: 'everyone',
    related: ['how_to_post', 'candidates', 'post_types'],
    signals: [
      s(/\b(features?|functions?|functionality|capabilit(y|ies))\b/, 2),
      s(/\bwhat (can|does) (you|the bot|this bot|it) do\b/, 2),
      s(/\bdo (i|we) get\b/, 1),
      s(/\b(funksjon\w*|funksjonalitet)\b/, 2),
      s(/\bhva kan (du|boten|den)\b|\bhva kan (jeg|vi) bruke\b/, 2),
      s(/\b(included|includes|include|inkludert)\b/, 2),
      s(/\bf[åa]r (jeg|vi)\b/, 1)
    ]
  },
  {
    id: 'prerequisites',
    audience: 'everyone',
    related: ['admin_setup', 'how_to_post'],
    signals: [
      s(/\bbefore\b/, 2),
      s(/\b(prerequisites?|requirements?)\b/, 3),
      s(/\b(need|needs|must|required?|have to|has to)\b/, 1),
      s(/\b(ready|klar|klare)\b/, 2),
      s(/\bf[øo]r (jeg|vi|man) kan\b/, 2),
      s(/\b(forutsetning\w*|krav|kravene)\b/, 3),
      s(/\bkreves\b/, 2),
      s(/\b(trenger|m[åa] (jeg|vi) ha|p[åa] plass)\b/, 1)
    ]
  },
  {
    id: 'how_to_post',
    audience: 'everyone',
    related: ['prerequisites', 'batch_frequency', 'post_types'],
    signals: [
      s(/\bhow (do|can|should|to) (i |we |you )?(post|publish|advertise|list|add|put)\b/, 3),
      s(/\bhvordan (kan (jeg|vi|man) )?(poster|posterer|postere|poste|publiserer|publisere|annonserer|legger|legge)\b/, 3),
      s(/\b(get|f[åa]r|f[åa]) (\w+ )?(jobs?|jobb\w*|vacanc\w*|stilling\w*) (on|onto|to|ut|inn|p[åa])\b/, 3)
    ]
  },
  {
    id: 'candidates',
    audience: 'everyone',
    related: ['export_candidates', 'features'],
    signals: [
      s(/\bcandidates?\b/, 1.5),
      s(/\b(get|import|bring|pull|receive|see)\b.*\bcandidates?\b/, 2),
      s(/\bcandidates?\b.*\b(into|to) (teams|the bot|this bot)\b/, 1),
      s(/\b(told|tell|notified|notify|notices?|alerts?|varsl\w*|beskjed)\b/, 1.5),
      s(/\bkandidat\w*\b/, 1.5),
      s(/\b(hente|henter|hent|f[åa]r|f[åa]|importere|se)\b.*\bkandidat\w*\b/, 2)
    ]
  },
  {
    id: 'get_help',
    audience: 'everyone',
    related: ['features', 'admin_setup'],
    signals: [
      s(/\b(get|find|need) help\b/, 3),
      s(/\bhelp (me|us)\b|\bhjelpe (meg|oss)\b/, 2),
      s(/\b(cant|cannot) get in\b|\bkommer ikke inn\b/, 2),
      s(/\b(support|contact|helpdesk)\b/, 2),
      s(/\b(sign|log)(ging)? ?in\b|\blogin\b/, 2),
      s(/\b(access|accessing|trouble|problems?|issues?)\b/, 1),
      s(/\bf[åa] hjelp\b|\btrenger hjelp\b/, 3),
      s(/\b(st[øo]tte|kundest[øo]tte|brukerst[øo]tte|kontakt\w*)\b/, 2),
      s(/\blogge (p[åa]|inn)\b|\bp[åa]logging\b/, 2),
      s(/\b(tilgang|problem\w*|trøbbel)\b/, 1)
    ]
  },
  {
    id: 'admin_setup',
    audience: 'admins',
    related: ['prerequisites', 'export_candidates', 'options_table'],
    signals: [
      s(/\b(configure|configuring|configuration)\b/, 3),
      s(/\b(set ?up|setting up|admins?|administrators?)\b/, 2),
      s(/\b(recruiters?|hiring managers?)\b/, 1),
      s(/\b(company ?id|company page|firma ?id|firmaside\w*)\b/, 2),
      s(/\bwhere do (i|we) (set|enter|change|put)\b|\bhvor (legger|setter|endrer) (jeg|vi)\b/, 1),
      s(/\b(make|add|remove|gj[øo]re|legge til|fjerne)\b.*\b(admins?|recruiters?|administrator\w*|rekrutterer\w*)\b/, 1),
      s(/\b(konfigurer\w*|oppsett\w*)\b/, 3),
      s(/\b(sette opp|setter opp|setter \w+ opp|administrator\w*|admin)\b/, 2),
      s(/\b(rekrutterer\w*|ansettelses\w*)\b/, 1)
    ]
  },
  {
    id: 'export_candidates',
    audience: 'admins',
    related: ['candidates', 'rsc_licence', 'admin_setup'],
    signals: [
      s(/\b(export\w*|eksport\w*)\b/, 2),
      s(/\b(candidates?|kandidat\w*|profiles?|profil\w*)\b/, 1),
      s(/\bone ?click\b|\bett klikk\b/, 1)
    ]
  },
  {
    id: 'premium_slots',
    audience: 'admins',
    related: ['post_types', 'options_table', 'batch_frequency'],
    signals: [
      s(/\bpremium\b/, 2),
      s(/\bjob ?slots?\b|\bjobbplass\w*\b|\bpremium ?plass\w*\b/, 1),
      s(/\bpost\w* (\w+ )?(to|in|on|into|til|p[åa]) premium\b/, 2),
      s(/\b(job wrapping|wrapping|jobbpakking)\b/, 3),
      s(/\b(promot\w*|sponsor\w*|boost\w*|fremme|fremmer|fremhev\w*|promoter\w*|sponse\w*)\b/, 2)
    ]
  },
  {
    id: 'post_types',
    audience: 'admins',
    related: ['premium_slots', 'options_table'],
    signals: [
      s(/\b(types?|kinds?|sorts?)\b.*\b(posts?|postings?|listings?|jobs?)\b/, 3),
      s(/\b(limited|basic) (listings?|jobs?)\b/, 3),
      s(/\b(basic|limited|begrens\w*)\b.*\bpremium\b|\bpremium\b.*\b(basic|limited|begrens\w*)\b/, 2),
      s(/\bdifferences?\b/, 2),
      s(/\b(typer|slags|varianter)\b/, 2),
      s(/\b(jobbutlysing\w*|utlysing\w*|oppf[øo]ring\w*|jobbannonse\w*|annonse\w*)\b/, 1),
      s(/\bbegrens\w* oppf[øo]ring\w*\b/, 3),
      s(/\bforskjell\w*\b/, 2),
      s(/\b(free|gratis)\b/, 1)
    ]
  },
  {
    id: 'batch_frequency',
    audience: 'admins',
    related: ['options_table', 'how_to_post'],
    signals: [
      s(/\bhow often\b|\bhvor ofte\b|\bhow (fast|quickly|soon)\b|\bhvor (fort|raskt)\b/, 2),
      s(/\b(when|n[åa]r)\b/, 1),
      s(/\b(frequency|frequently|batch\w*|once a day|daily|every day)\b/, 2),
      s(/\b(48 hours|two days|how long|so long|takes? long)\b/, 2),
      s(/\b(process\w*|read|reads|pick\w* up|appear\w*|show up|visible)\b/, 1),
      s(/\b(hyppig\w*|satsvis|partier?|daglig|en gang (om|per|i) (dagen|d[øo]gnet))\b/, 2),
      s(/\b(48 timer|to dager|hvor lang tid|lang tid)\b/, 2),
      s(/\b(behandl\w*|leser|henter|vises|dukker opp|synlig)\b/, 1)
    ]
  },
  {
    id: 'options_table',
    audience: 'admins',
    related: ['premium_slots', 'batch_frequency', 'rsc_licence'],
    signals: [
      s(/\b(options?|alternatives?|choices)\b/, 2),
      s(/\b(options?|alternatives?|ways?)\b.*\b(post\w*|publish\w*|get)\b/, 1),
      s(/\b(which|what|hvilke) (ways|options|alternatives|muligheter|m[åa]ter)\b/, 2),
      s(/\b(compare|comparison|table|overview|versus|vs)\b/, 2),
      s(/\b(alternativ\w*|valgmulighet\w*)\b/, 2),
      s(/\b(alternativ\w*|m[åa]ter?|muligheter)\b.*\b(post\w*|publiser\w*|legge ut)\b/, 1),
      s(/\b(sammenlign\w*|tabell\w*|oversikt)\b/, 2),
      s(/\b(recommend\w*|anbefal\w*)\b/, 1),
      // Two of the options named together is a comparison.
      s(/\b(job wrapping|jobbpakking)\b.*\b(rsc|recruiter system connect|api)\b|\b(rsc|recruiter system connect|api)\b.*\b(job wrapping|jobbpakking)\b/, 2)
    ]
  },
  {
    id: 'rsc_licence',
    audience: 'admins',
    related: ['export_candidates', 'options_table'],
    signals: [
      s(/\b(licen[cs]e[sd]?|licensing|lisens\w*)\b/, 2),
      s(/\b(licen[cs]e|lisens)\w*\b.*\b(post\w*|jobs?|jobb\w*|linked ?in)\b/, 1),
      s(/\b(rsc|recruiter system connect)\b/, 2),
      s(/\b(need|required?|must|trenger|kreves|m[åa] (vi|jeg) ha)\b/, 0.5)
    ]
  }
];

const TOPICS_BY_ID = new Map(FAQ_TOPICS.map((topic) => [topic.id, topic]));

export function faqTopic(id: FaqTopicId): FaqTopic {
  return TOPICS_BY_ID.get(id)!;
}

export type FaqMatch =
  | { kind: 'answer'; topic: FaqTopicId }
  | { kind: 'suggest'; topics: FaqTopicId[] }
  | { kind: 'none' };

/** Lower case, apostrophes dropped ("isn't" → "isnt"), every other non-letter a single space. */
export function normalizeQuestion(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/['’`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface TopicScore {
  topic: FaqTopicId;
  score: number;
}

/** Every topic's score for a message, best first (ties keep the seed's order). */
export function scoreTopics(text: string): TopicScore[] {
  const normalized = normalizeQuestion(text);
  const aboutLinkedIn = CONTEXT.test(normalized);
  return FAQ_TOPICS.map((topic) => {
    const score = topic.signals.reduce((sum, signal) => sum + (signal.pattern.test(normalized) ? signal.weight : 0), 0);
    return { topic: topic.id, score: score > 0 && aboutLinkedIn ? score + CONTEXT_BONUS : score };
  }).sort((a, b) => b.score - a.score);
}

export function matchFaq(text: string): FaqMatch {
  const scores = scoreTopics(text);
  const [best, second] = scores;
  if (best.score >= ANSWER_MIN && second.score <= best.score - TIE_MARGIN) return { kind: 'answer', topic: best.topic };
  const aboutLinkedIn = CONTEXT.test(normalizeQuestion(text));
  if (best.score < SUGGEST_MIN || (best.score < ANSWER_MIN && !aboutLinkedIn)) return { kind: 'none' };
  const floor = Math.max(SUGGEST_MIN, best.score - TIE_MARGIN);
  const topics = scores.filter((entry) => entry.score >= floor).slice(0, MAX_SUGGESTIONS).map((entry) => entry.topic);
  return { kind: 'suggest', topics };
}

/**
 * The types every layer shares: what the bot says (a reply: a card or a text), the proactive notices queued for
 * someone, and the renderers that turn a stored notice into a reply. Framework-free and import-free apart from the
 * language type, so storage/, notifications/ and the features can all depend on it without depending on each other.
 */
import type { Language } from '../i18n/strings';

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

export type Reply = ({ card: AdaptiveCardJson } | { text: string }) & {
  /** The input was refused and nothing changed (e.g. a form shown again with its errors): not recorded as done. */
  refused?: boolean;
};

export type Recipient =
  | { kind: 'user'; aadObjectId: string }
  | { kind: 'channel'; channelId: string; teamId?: string };

export interface Notice {
  tenantId: string;
  /**
   * Unique per event and recipient (e.g. `feed-posted:<jobId>:<aadObjectId>`): a notice enqueued twice under one key
   * is sent once.
   */
  key: string;
  to: Recipient;
  /** Rendered when sent, in the recipient's language, by the renderer registered for `kind`. */
  message: { kind: string; data: Record<string, unknown> };
  /**
   * Notices that show the same thing to several people (one candidate export, one approval request) share a thread,
   * so their cards can later be updated in place for all of them together.
   */
  thread?: string;
}

/**
 * Turns a notice's `message.data` into what the recipient sees, in their language. May read storage (a candidate
 * card is rendered from the candidate row, so the outbox holds ids rather than personal data). Throws on data it
 * cannot show (the notice is then parked as `unrenderable`).
 */
export type Renderer = (language: Language, data: Record<string, unknown>) => Reply | Promise<Reply>;

/** Renderers by `message.kind` (e.g. `feed.posted`, `candidate.exported`, `approval.requested`). */
export type RendererRegistry = Readonly<Record<string, Renderer>>;

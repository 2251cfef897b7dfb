/** LinkedIn's daily feed as people see it in Teams: times in their zone, held-back reasons in words, the feed cards. */
import type { HoldReason } from '../domain/feedRules';
import type { PostingChannel } from '../domain/jobPosting';
import type { BuildOutcome, FeedStatus } from '../feed/feedService';
import { cardStrings, t, type Language } from '../i18n/strings';
import { dateTimeFormat, localeOf } from '../i18n/intlFormats';
import { renderCard } from './cards';
import type { AdaptiveCardJson } from '../shared/types';

/** "Sat, 28 Nov 2026, 03:00 (Europe/Oslo)": the zone is named, since the reader and the feed may differ. */
export function zonedTime(language: Language, at: Date | string, timeZone: string): string {
  const text = dateTimeFormat(localeOf(language), {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone
  }).format(new Date(at));
  return `${text} (${timeZone})`;
}

/** One sentence per reason, in the reader's language. */
export function holdReasonTexts(language: Language, reasons: readonly HoldReason[]): string[] {
  return reasons.map((reason) => t(language, `hold.${reason}`));
}

/** A held-back job as a card line; the title when known (it may have been closed or be someone else's). */
export interface HeldBackLine {
  jobId: string;
  title?: string;
  reasons: HoldReason[];
}

function heldBackItems(language: Language, lines: readonly HeldBackLine[]) {
  return lines.map((line) => ({
    label: line.title ? `${line.title} (${line.jobId})` : line.jobId,
    jobId: line.jobId,
    reasons: holdReasonTexts(language, line.reasons)
  }));
}

export interface HeldBackView {
  /** The lines to list (the caller picks which the reader may see, and how many). */
  lines: HeldBackLine[];
  /** Held back in all, listed or not. */
  total: number;
  /** Set when a hiring manager sees only their own held-back jobs. */
  yoursOnly: boolean;
}

/** Reasons that come from the tenant's settings: they hold back every job alike, so a card says them once. */
const SETTINGS_REASONS: ReadonlySet<HoldReason> = new Set<HoldReason>([
  'company_id_missing', 'company_id_not_numeric', 'poster_email_missing', 'poster_email_invalid'
]);

function heldBackData(language: Language, view: HeldBackView) {
  const hidden = view.total - view.lines.length;
  const shared = [...new Set(view.lines.flatMap((line) => line.reasons).filter((reason) => SETTINGS_REASONS.has(reason)))];
  const ownReasons = view.lines
    .map((line) => ({ ...line, reasons: line.reasons.filter((reason) => !SETTINGS_REASONS.has(reason)) }))
    .filter((line) => line.reasons.length > 0);
  return {
    sharedReasons: holdReasonTexts(language, shared),
    heldBack: heldBackItems(language, ownReasons),
    heldBackNone: view.total === 0 ? t(language, 'feed.heldBack.none') : '',
    heldBackMore: hidden > 0 && !view.yoursOnly ? t(language, 'feed.heldBack.more', { count: hidden }) : '',
    heldBackYoursOnly: view.yoursOnly && view.total > 0 ? t(language, 'feed.heldBack.yoursOnly') : ''
  };
}

const DAY_MS = 86_400_000;

/**
 * LinkedIn reads a feed about once a day (XML feed job posting guidelines), so its next read is expected a day after
 * its last one, moved on by whole days past `now`. Unknown until LinkedIn has read the feed once.
 */
export function expectedDownloadAt(lastDownloadAt: string | undefined, now: Date): Date | undefined {
  if (!lastDownloadAt) return undefined;
  let next = Date.parse(lastDownloadAt) + DAY_MS;
  if (next < now.getTime()) next += Math.ceil((now.getTime() - next) / DAY_MS) * DAY_MS;
  return new Date(next);
}

function expectedDownloadText(language: Language, status: Pick<FeedStatus, 'lastDownload'>, now: Date, timeZone: string): string {
  const expected = expectedDownloadAt(status.lastDownload?.at, now);
  return expected ? zonedTime(language, expected, timeZone) : '';
}

function lastDownloadText(language: Language, status: Pick<FeedStatus, 'lastDownload'>, timeZone: string): string {
  return status.lastDownload ? zonedTime(language, status.lastDownload.at, timeZone) : t(language, 'feed.neverDownloaded');
}

export interface BuildResultView {
  language: Language;
  timeZone: string;
  outcome: BuildOutcome;
  heldBack: HeldBackView;
  lastDownload?: FeedStatus['lastDownload'];
  nextBuildAt: Date;
  now: Date;
}

/** The answer to `build feed now`: what went in, what was held back and why, and when LinkedIn will see it. */
export function buildResultCard(view: BuildResultView): AdaptiveCardJson {
  const { language, timeZone, outcome } = view;
  const problem = outcome.outcome === 'built' ? undefined : outcome.outcome;
  const built = problem === undefined;
  const facts = built
    ? [
        [t(language, 'feed.jobCount'), String(outcome.jobCount)],
        [t(language, 'feed.build.newlyFed'), String(outcome.newlyFed)],
        [t(language, 'feed.heldBackCount'), String(outcome.heldBackTotal)],
        [t(language, 'feed.builtAt'), outcome.builtAt ? zonedTime(language, outcome.builtAt, timeZone) : ''],
        [t(language, 'feed.lastDownload'), lastDownloadText(language, view, timeZone)],
        [t(language, 'feed.expectedDownload'), expectedDownloadText(language, view, view.now, timeZone)],
        [t(language, 'feed.nextBuild'), zonedTime(language, view.nextBuildAt, timeZone)]
      ]
    : [[t(language, 'feed.nextBuild'), zonedTime(language, view.nextBuildAt, timeZone)]];
  return renderCard('feed-build', {
    s: cardStrings(language),
    built,
    heading: built ? t(language, 'feed.build.title') : '',
    problem: problem ? t(language, `feed.build.${problem}`, { message: outcome.message ?? problem }) : '',
    facts: facts.filter(([, value]) => value).map(([title, value]) => ({ title, value })),
    ...heldBackData(language, view.heldBack)
  });
}

export interface StatusView {
  language: Language;
  timeZone: string;
  status: FeedStatus;
  heldBack: HeldBackView;
  /** Admins only: the secret feed URL and the build button. */
  isAdmin: boolean;
  now: Date;
  /** How the tenant's jobs reach LinkedIn, and where they are moving to during a switch. */
  channel?: { postingChannel: PostingChannel; switchingTo?: PostingChannel };
}

function channelStatusText(language: Language, channel: StatusView['channel']): string {
  if (!channel) return '';
  const now = t(language, channel.postingChannel === 'api' ? 'channel.status.api' : 'channel.status.feed');
  const moving = channel.switchingTo ? ` ${t(language, channel.switchingTo === 'api' ? 'channel.status.movingToApi' : 'channel.status.movingToFeed')}` : '';
  return now + moving;
}

/** `feed status`: the snapshot LinkedIn reads, what is held back and why, and when things happen. */
export function feedStatusCard({ language, timeZone, status, heldBack, isAdmin, now, channel }: StatusView): AdaptiveCardJson {
  const last = status.lastBuild;
  const facts = [
    [t(language, 'feed.jobCount'), last ? String(last.jobCount) : '0'],
    [t(language, 'feed.heldBackCount'), String(status.heldBackTotal)],
    [t(language, 'feed.lastBuild'), last ? zonedTime(language, last.builtAt, timeZone) : t(language, 'feed.neverBuilt')],
    [t(language, 'feed.lastDownload'), lastDownloadText(language, status, timeZone)],
    [t(language, 'feed.expectedDownload'), expectedDownloadText(language, status, now, timeZone)],
    [t(language, 'feed.nextBuild'), zonedTime(language, status.nextBuildAt, timeZone)]
  ]
    .filter(([, value]) => value)
    .map(([title, value]) => ({ title, value }));
  const previews = (status.previews ?? []).map((preview) => ({
    text: t(language, 'feed.previews.line', { when: zonedTime(language, preview.at, timeZone), agent: preview.userAgent.slice(0, 120) || t(language, 'feed.previews.noAgent') })
  }));
  return renderCard('feed-status', {
    s: cardStrings(language),
    facts,
    previews,
    hasPreviews: previews.length > 0,
    noBuildYet: last ? '' : t(language, 'feed.status.noBuildYet'),
    channelText: channelStatusText(language, channel),
    feedUrl: isAdmin ? status.feedUrl : '',
    isAdmin,
    ...heldBackData(language, heldBack)
  });
}

/** Feed notices (proactive): one sentence and a button that opens the job card. */
export function feedNoticeCard(language: Language, text: string, jobId: string): AdaptiveCardJson {
  return renderCard('feed-notice', { s: cardStrings(language), text, jobId });
}

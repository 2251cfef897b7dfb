/**
 * The notification channel picked from a list: the channels of the teams the bot is in, by name. Free of I/O.
 * A channel already configured but no longer listed (the app left that team, or the list could not be read) stays a
 * choice, so saving the card never drops it silently.
 */
import { z } from 'zod';
import type { TenantSettings } from './settings';

export interface KnownChannel {
  teamId: string;
  teamName: string;
  channelId: string;
  /** Teams leaves the General channel unnamed; the directory fills in "General". */
  channelName: string;
}

/** The ChoiceSet's value for "no channel". */
export const NO_CHANNEL = 'none';

export const channelLabel = (channel: KnownChannel) => `${channel.teamName} › ${channel.channelName}`;

export function channelChoices(known: readonly KnownChannel[], current: TenantSettings['notificationChannel']): { title: string; value: string }[] {
  const listed = [...known].sort((a, b) => channelLabel(a).localeCompare(channelLabel(b))).map((channel) => ({ title: channelLabel(channel), value: channel.channelId }));
  const keepCurrent = current && !known.some((channel) => channel.channelId === current.channelId) ? [{ title: current.name || current.channelId, value: current.channelId }] : [];
  return [...keepCurrent, ...listed];
}

export type ChannelPick = { ok: true; channel: TenantSettings['notificationChannel'] } | { ok: false };

/** What the card's `channelPick` means, checked against the tenant's known channels (and the current one). */
export function pickChannel(raw: unknown, known: readonly KnownChannel[], current: TenantSettings['notificationChannel']): ChannelPick {
  const parsed = z.string().trim().max(300).safeParse(raw ?? '');
  if (!parsed.success) return { ok: false };
  const value = parsed.data;
  if (value === '' || value === NO_CHANNEL) return { ok: true, channel: undefined };
  const found = known.find((channel) => channel.channelId === value);
  if (found) return { ok: true, channel: { channelId: found.channelId, teamId: found.teamId, name: channelLabel(found) } };
  if (current && current.channelId === value) return { ok: true, channel: current };
  return { ok: false };
}

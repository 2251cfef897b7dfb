/**
 * The settings card's notification channel, picked from the channels of the teams the bot is in; choosing a new one
 * posts a short hello there (through the outbox) so the channel knows what will arrive.
 */
import { channelChoices, pickChannel, type KnownChannel } from '../../domain/channelChoice';
import type { TenantSettings } from '../../domain/settings';
import type { BotDeps, Caller } from '../types';

async function knownChannels(deps: BotDeps, tenantId: string): Promise<KnownChannel[]> {
  return (await deps.teamChannels?.list(tenantId)) ?? [];
}

/** Empty when the bot knows no team channels: the card then asks for a channel id as before. */
export async function channelChoicesFor(deps: BotDeps, settings: TenantSettings): Promise<{ title: string; value: string }[]> {
  const known = await knownChannels(deps, settings.tenantId);
  return known.length ? channelChoices(known, settings.notificationChannel) : [];
}

/** `fromList`: the card had the list, and `channel` is what was picked from it (undefined: no channel). */
export type PickedChannel =
  | { ok: true; data: Record<string, unknown>; fromList: false }
  | { ok: true; data: Record<string, unknown>; fromList: true; channel: TenantSettings['notificationChannel'] }
  | { ok: false };

/**
 * A submitted `channelPick` (the list) replaces the pasted channel id and name; its value must be one of the tenant's
 * known channels (or the current one, or none), which Teams named, so the pasted-id format check does not apply.
 * A card without the list keeps the pasted fields.
 */
export async function applyChannelPick(deps: BotDeps, settings: TenantSettings, data: Record<string, unknown>): Promise<PickedChannel> {
  if (!('channelPick' in data)) return { ok: true, data, fromList: false };
  const picked = pickChannel(data.channelPick, await knownChannels(deps, settings.tenantId), settings.notificationChannel);
  if (!picked.ok) return { ok: false };
  return { ok: true, data: { ...data, channelId: '', channelName: '' }, fromList: true, channel: picked.channel };
}

/** The channel to store: the one picked from the list, else the pasted one (keeping the team already known for it). */
export function savedChannel(picked: PickedChannel & { ok: true }, pasted: TenantSettings['notificationChannel'], current: TenantSettings['notificationChannel']): TenantSettings['notificationChannel'] {
  if (picked.fromList) return picked.channel;
  if (!pasted) return pasted;
  return current?.channelId === pasted.channelId && current.teamId ? { ...pasted, teamId: current.teamId } : pasted;
}

/** One hello per channel choice: a repeat of the same save is keyed the same and is sent once. */
export async function greetNewChannel(deps: BotDeps, caller: Caller, before: TenantSettings, saved: TenantSettings): Promise<void> {
  const channel = saved.notificationChannel;
  if (!channel || channel.channelId === before.notificationChannel?.channelId) return;
  await deps.notifier.enqueue([
    {
      tenantId: caller.tenantId,
      key: `channel-hello:${channel.channelId}:${saved.updatedAt ?? deps.now().toISOString()}`,
      to: { kind: 'channel', channelId: channel.channelId, teamId: channel.teamId },
      message: { kind: 'notice', data: { key: 'channelHello.text', params: { name: caller.name } } }
    }
  ]);
}

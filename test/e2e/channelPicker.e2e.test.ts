/**
 * End to end: the bot is added to the Playground's team ("My Team": General and Announcements), the admin (Alex
 * Wilber) opens settings, picks "My Team › Announcements" from the list and saves; the bot reads the team's channels
 * from the Playground's Bot Connector and posts its hello in that channel through the outbox.
 */
import { strict as assert } from 'node:assert';
import { OUTBOX_TABLE } from '../../src/storage/tableOutboxStore';
import { CONVERSATIONS_TABLE } from '../../src/storage/conversationStore';
import { SETTINGS_TABLE } from '../../src/storage/tableSettingsStore';
import { tableClient } from '../../src/storage/tables';
import { botCards, clickCardAction, fillCardInput, sendMessage, waitForCard } from '../support/browser';
import { PLAYGROUND_USER_AAD_ID, usePlaygroundStack } from '../support/e2eStack';
import { waitFor } from '../support/exportsRig';

/** The Playground's built-in team (its default config, GET /_internal/v1/config): the General channel's id is the team's. */
const TEAM_ID = 'team-id';
const ANNOUNCEMENTS = 'channel-announcements-id';
const SETTINGS_TITLE = 'LinkedIn settings';

describe('e2e: the admin picks the notification channel from the bot\'s teams; the channel gets a hello (Agents Playground)', function () {
  this.timeout(180000);
  const stack = usePlaygroundStack({ name: 'channel-picker', botEnv: { ADMIN_AAD_IDS: PLAYGROUND_USER_AAD_ID } });

  async function rows(table: string): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for await (const entity of tableClient(stack.azurite.connection, table).listEntities<Record<string, unknown>>()) found.push(entity);
    return found;
  }

  it('the bot added to the team learns it; settings list its channels; the picked channel is stored and greeted', async () => {
    // The Playground's "bot added to a team" activity, sent the way its UI sends a mocked activity.
    const template = await (await fetch(`${stack.playground.url}/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(TEAM_ID)}&type=botAdded`)).json();
    assert.equal((await fetch(`${stack.playground.url}/_internal/v1/customActivities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(template) })).status, 200);
    await waitFor('the team reference', async () => ((await rows(CONVERSATIONS_TABLE)).some((row) => String(row.rowKey).startsWith('team:')) ? true : undefined), 30000);

    const page = stack.page;
    const before = await botCards(page, SETTINGS_TITLE).count();
    await sendMessage(page, 'settings');
    const card = await waitForCard(page, SETTINGS_TITLE, { moreThan: before });
    assert.doesNotMatch(await card.innerText(), /Team channel id/, 'no pasted channel id when the list is there');
    await fillCardInput(page, 'Channel for candidate notifications', 'My Team › Announcements');
    await clickCardAction(page, 'Save settings');
    await waitForCard(page, /Settings saved: \d+ change\(s\)/);

    const settingsRow = (await rows(SETTINGS_TABLE)).find((row) => row.rowKey === 'settings');
    assert.deepEqual((JSON.parse(String(settingsRow?.document)) as { notificationChannel?: unknown }).notificationChannel, { channelId: ANNOUNCEMENTS, teamId: TEAM_ID, name: 'My Team › Announcements' });

    // The hello went out through the outbox and the Playground's connector took it (it answered with an activity id).
    const hello = await waitFor('the hello delivered', async () => {
      const row = (await rows(OUTBOX_TABLE)).find((r) => String(r.key ?? '').startsWith('channel-hello:'));
      return row && row.state === 'sent' ? row : undefined;
    }, 30000);
    const sent = JSON.parse(String(hello.sent)) as { activityId: string; reference: { conversation: { id: string } } };
    assert.ok(sent.activityId, 'the connector gave the post an id');
    assert.equal(sent.reference.conversation.id, ANNOUNCEMENTS, 'posted in the picked channel');
    assert.match(String(hello.message), /channelHello\.text/);
  });
});

import assert from 'node:assert/strict';
import { defaultSettings, type TenantSettings } from '../src/domain/settings';
import { CachedSettingsStore } from '../src/storage/cachedSettingsStore';
import type { ConversationStore, StoredConversation } from '../src/storage/conversationStore';
import type { SettingsSave, SettingsStore } from '../src/storage/settingsStore';
import type { JobStore } from '../src/storage/jobStore';
import type { BotDeps } from '../src/bot/types';
import { BotHarness, type TestUser } from './support/botHarness';
import { MemoryFeedService } from './support/memoryFeedService';

class CountingSettings implements SettingsStore {
  reads = 0;
  private current: TenantSettings = defaultSettings('t', { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] });
  async get(): Promise<TenantSettings> {
    this.reads++;
    return this.current;
  }
  async linkedInCredentials() {
    return undefined;
  }
  async save(save: SettingsSave): Promise<TenantSettings> {
    this.current = { ...this.current, ...save.settings };
    return this.current;
  }
  async history() {
    return [];
  }
}

describe('what a turn costs in storage', () => {
  it('settings are read once per few seconds per tenant, and again right after a save in this process', async () => {
    let now = 0;
    const inner = new CountingSettings();
    const settings = new CachedSettingsStore(inner, 5_000, () => now);
    await Promise.all([settings.get('t'), settings.get('t')]);
    await settings.get('t');
    assert.equal(inner.reads, 1);
    now += 5_000;
    await settings.get('t');
    assert.equal(inner.reads, 2, "another process's change is seen after the TTL");
    const saved = { ...(await settings.get('t')), companyName: 'Fabrikam' };
    await settings.save({ tenantId: 't', settings: saved, changes: [], by: { aadObjectId: 'a', name: 'A' }, at: new Date() });
    assert.equal((await settings.get('t')).companyName, 'Fabrikam');
    assert.equal(inner.reads, 3);
  });

  it("a copy used near the end of its life is read again in the background: a busy tenant's turns never wait for settings", async () => {
    let now = 0;
    const inner = new CountingSettings();
    const settings = new CachedSettingsStore(inner, 4_000, () => now);
    await settings.get('t');
    now = 3_000;
    await settings.get('t');
    assert.equal(inner.reads, 2, 'read again in the last quarter');
    await new Promise((resolve) => setImmediate(resolve));
    now = 6_500;
    await settings.get('t');
    assert.equal(inner.reads, 3, 'the refreshed copy (read at 3 s) serves at 6.5 s and is refreshed in turn');
    await new Promise((resolve) => setImmediate(resolve));
    now = 20_000;
    await settings.get('t');
    assert.equal(inner.reads, 4, 'an expired copy is never served');
  });

  it('a background read that a save overtook does not bring back the settings from before the save', async () => {
    let now = 0;
    let release: () => void = () => undefined;
    const inner = new CountingSettings();
    const slowGet = inner.get.bind(inner);
    const settings = new CachedSettingsStore(inner, 4_000, () => now);
    const before = await settings.get('t');
    inner.get = async () => {
      const old = { ...(await slowGet()) };
      await new Promise<void>((resolve) => (release = resolve));
      return old;
    };
    now = 3_500;
    await settings.get('t');
    inner.get = slowGet;
    await settings.save({ tenantId: 't', settings: { ...before, companyName: 'Fabrikam' }, changes: [], by: { aadObjectId: 'a', name: 'A' }, at: new Date() });
    release();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await settings.get('t')).companyName, 'Fabrikam');
  });

  it('a conversation reference is written when it changed, not at every message', async () => {
    const saved: StoredConversation[] = [];
    const conversations: ConversationStore = {
      save: async (conversation) => void saved.push(conversation),
      get: async () => undefined,
      markInactive: async () => undefined
    };
    const jobs = { list: async () => ({ jobs: [] }) } as unknown as JobStore;
    const settings = new CachedSettingsStore(new CountingSettings());
    const deps = {
      jobs,
      conversations,
      settings,
      feed: new MemoryFeedService(jobs, settings, () => new Date()),
      bootstrapAdmins: [],
      now: () => new Date()
    } as unknown as BotDeps;
    const bot = new BotHarness(deps);
    const user: TestUser = { aadObjectId: 'aad-u', name: 'U', tenantId: 't' };
    await bot.say(user, 'help');
    await bot.say(user, 'help');
    assert.equal(saved.length, 1);
    await bot.send(user, { type: 'message', text: 'help', serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    assert.equal(saved.length, 2, 'a new serviceUrl is stored');
  });
});

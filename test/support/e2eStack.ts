/**
 * The end-to-end stack every Agents Playground test starts: our own in-memory Azurite, the real bot process on it,
 * the Microsoft 365 Agents Playground in front of the bot and (unless `browser: false`) headless Chromium on the
 * playground's web UI. `usePlaygroundStack` registers the mocha hooks in the calling `describe`; plus the job form
 * and feed helpers the e2e tests share.
 * Set E2E_ECHO=1 to see the bot's and the playground's output; screenshots of failures (of every test with
 * E2E_SCREENSHOTS=1) go to E2E_ARTIFACTS (default <tmp>/e2e-artifacts).
 */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/storage/azurite';
import { startBot, tempDir, type BotHandle } from './botProcess';
import {
  CHROMIUM_PATH,
  botCards,
  chromiumAvailable,
  fillCardInput,
  openBrowser,
  openPlayground,
  sendMessage,
  waitForCard,
  type BrowserHandle
} from './browser';
import { startPlayground, type PlaygroundHandle } from './playground';

/** Alex Wilber, the Agents Playground's default user (its built-in config): made an admin through ADMIN_AAD_IDS. */
export const PLAYGROUND_USER_AAD_ID = '00000000-0000-0000-0000-0000000000020';

export interface PlaygroundStackOptions {
  /** Prefix of the failure screenshots' names. */
  name: string;
  /** Extra environment for the bot; AZURE_STORAGE_CONNECTION_STRING points at the stack's Azurite. */
  botEnv?: Record<string, string>;
  /** false: no Chromium (and no skip without it). Default true. */
  browser?: boolean;
}

export interface PlaygroundStack {
  readonly azurite: EmbeddedAzurite;
  readonly bot: BotHandle;
  readonly playground: PlaygroundHandle;
  readonly browser: BrowserHandle;
  /** The browser's page, on the playground's web UI. */
  readonly page: Page;
}

function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the e2e stack has no ${what} (it did not start)`);
  return value;
}

/** Starts the stack in `before` (skipping the suite when a browser is wanted but Chromium is missing), stops it in `after`. */
export function usePlaygroundStack(options: PlaygroundStackOptions): PlaygroundStack {
  const wantsBrowser = options.browser ?? true;
  let azurite: EmbeddedAzurite | undefined;
  let bot: BotHandle | undefined;
  let playground: PlaygroundHandle | undefined;
  let browser: BrowserHandle | undefined;

  before(async function () {
    if (wantsBrowser && !chromiumAvailable()) {
      console.warn(`    skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      this.skip();
    }
    azurite = await startEmbeddedAzurite({ location: tempDir('e2e-azurite-'), inMemory: true });
    bot = await startBot({ env: { ...options.botEnv, AZURE_STORAGE_CONNECTION_STRING: azurite.connection.connectionString } });
    playground = await startPlayground(bot.url);
    if (!wantsBrowser) return;
    browser = await openBrowser();
    await openPlayground(browser.page, playground.url);
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    if (!failed && !process.env.E2E_SCREENSHOTS) return;
    if (browser && this.currentTest) {
      const file = await browser.screenshot(`${options.name}-${this.currentTest.title}`).catch((error: Error) => `(no screenshot: ${error.message})`);
      console.error(`    screenshot: ${file}`);
    }
    if (failed && bot) console.error(`    bot output (last lines):\n${bot.logs.slice(-30).join('\n')}`);
  });

  after(async function () {
    // Each step runs even when an earlier one fails: nothing may outlive the tests.
    const steps = [() => browser?.close(), () => playground?.stop(), () => bot?.stop(), () => azurite?.stop()];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        console.error(`    cleanup failed: ${(error as Error).message}`);
      }
    }
    if (browser && browser.blocked.length > 0) console.warn(`    blocked ${browser.blocked.length} request(s) off this machine (CDN fonts)`);
  });

  return {
    get azurite() {
      return started(azurite, 'Azurite');
    },
    get bot() {
      return started(bot, 'bot');
    },
    get playground() {
      return started(playground, 'playground');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get page() {
      return started(browser, 'browser').page;
    }
  };
}

/** The job form's title, as its card shows it. */
export const JOB_FORM_TITLE = 'Job title';

/** A description LinkedIn accepts (at least 100 characters). */
export const DESCRIPTION =
  'Join our platform team in Oslo to build the services that publish jobs to LinkedIn. ' +
  'You will work with TypeScript, Azure and Microsoft Teams, together with a small and friendly team.';

/** Asks for the job form and waits for a new one. */
export async function openJobForm(page: Page): Promise<void> {
  const before = await botCards(page, JOB_FORM_TITLE).count();
  await sendMessage(page, 'post job to LinkedIn');
  await waitForCard(page, JOB_FORM_TITLE, { moreThan: before });
}

export interface JobFormValues {
  title: string;
  description: string;
  /** Typed into "Company name"; undefined leaves what the form shows (e.g. pre-filled from settings). */
  companyName?: string;
  /** Also fills a salary of 700000 to 900000 NOK a year. */
  salary?: boolean;
}

/** Fills the open job form with a job in Oslo that is complete but for what `values` gives. */
export async function fillJobForm(page: Page, values: JobFormValues): Promise<void> {
  await fillCardInput(page, 'Job title', values.title);
  if (values.companyName !== undefined) await fillCardInput(page, 'Company name', values.companyName);
  await fillCardInput(page, 'City', 'Oslo');
  await fillCardInput(page, 'Country (ISO code, e.g. NO)', 'NO');
  await fillCardInput(page, 'Workplace type', 'Hybrid');
  await fillCardInput(page, 'Employment type', 'Full-time');
  await fillCardInput(page, 'Experience level', 'Mid-senior level');
  await fillCardInput(page, 'Description', values.description);
  await fillCardInput(page, 'Apply URL', 'https://careers.example.com/jobs/1');
  if (!values.salary) return;
  await fillCardInput(page, 'From', '700000');
  await fillCardInput(page, 'To', '900000');
  await fillCardInput(page, 'Currency (e.g. NOK)', 'NOK');
  await fillCardInput(page, 'Per', 'Year');
}

/** Sends `feed status` and reads the feed URL off the status card (an admin sees it there). */
export async function feedUrlFromStatus(page: Page): Promise<string> {
  await sendMessage(page, 'feed status');
  const status = await (await waitForCard(page, /Feed URL/)).innerText();
  const feedUrl = status.match(/http:\/\/127\.0\.0\.1:\d+\/feeds\/linkedin\/[A-Za-z0-9_-]+\.xml/)?.[0];
  assert.ok(feedUrl, `the status card shows the feed URL:\n${status}`);
  return feedUrl;
}

/** `<name><![CDATA[value]]></name>`, whitespace around the CDATA allowed. */
export function hasElement(xml: string, name: string, value: string): boolean {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<${name}>\\s*<!\\[CDATA\\[${escaped}\\]\\]>\\s*</${name}>`).test(xml);
}

/** The feed's `<job>` element for `jobId` (asserted to be there). */
export function feedJob(xml: string, jobId: string): string {
  const job = xml.split(/<job>/).find((element) => hasElement(element, 'partnerJobId', jobId));
  assert.ok(job, `job ${jobId} is in the feed:\n${xml.slice(0, 2000)}`);
  return job;
}

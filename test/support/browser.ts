/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) and helpers for the Agents Playground's web UI.
 *
 * DOM facts the helpers rely on (playground 0.2.28):
 * - The message box is a Lexical contenteditable `[data-lexical-editor="true"]`; Enter sends.
 * - A message is the parent of its `[aria-label="Message header"]`; the bot's messages (not the user's, in a personal
 *   chat) have a `[aria-label="Message author"]` in that header.
 * - An Adaptive Card is `.ac-adaptiveCard`. Each input has a `<label for=inputId>` (also referenced first in the
 *   input's aria-labelledby); a required input's label ends with an aria-hidden " *".
 * - Input.Text: `<input>` or, multiline, `<textarea>`. Input.Number: `<input role="spinbutton">`.
 * - Input.ChoiceSet compact: a Fluent Combobox `<input role="combobox">`; clicking opens a popup in a portal whose id is
 *   the input's `aria-controls`, with `role="option"` items (single) or `role="menuitemcheckbox"` items (multi-select).
 *   Options are shown by title; their values are not in the DOM.
 * - Input.ChoiceSet expanded: `role="radiogroup"` of radios labelled with the titles (value attribute = choice value).
 * - Input.Date: a Fluent DatePicker `<input role="combobox" aria-haspopup="dialog">` that accepts typed YYYY-MM-DD
 *   (Enter commits, Escape closes the calendar, which otherwise covers the controls below it).
 * - Actions are `<button>`s named by their title (aria-label and title attributes).
 * - The page asks a CDN for fonts and animations: every request off 127.0.0.1/localhost is aborted here.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

export const CARD = '.ac-adaptiveCard';
const EDITOR = '[data-lexical-editor="true"]';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface BrowserHandle {
  context: BrowserContext;
  page: Page;
  /** Requests that were blocked because they left this machine. */
  blocked: string[];
  /** Saves a full-page PNG under the artifacts folder (E2E_ARTIFACTS, default <tmp>/e2e-artifacts) and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

function isLoopback(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

/** A fresh headless Chromium (new user-data-dir) that can reach loopback addresses only. */
export async function openBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserHandle> {
  const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  const context = await chromium.launchPersistentContext(join(profile, 'user-data'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1400, height: 1000 },
    // Keep Chromium's own config and cache inside the throwaway profile.
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: join(profile, 'config'), XDG_CACHE_HOME: join(profile, 'cache') }
  });
  const blocked: string[] = [];
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLoopback(url)) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
  } catch (error) {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    blocked,
    screenshot: async (name: string) => {
      const dir = process.env.E2E_ARTIFACTS || join(tmpdir(), 'e2e-artifacts');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100)}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    }
  };
}

/** Opens the playground's web UI and waits until the message box is there. */
export async function openPlayground(page: Page, url: string, timeoutMs = 30000): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
  await page.locator(EDITOR).waitFor({ state: 'visible', timeout: timeoutMs });
}

/** Types `text` into the message box and sends it with Enter. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  const editor = page.locator(EDITOR);
  await editor.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  // Sent once the box is empty again.
  await page.waitForFunction((selector) => {
    const box = (globalThis as any).document.querySelector(selector);
    return box && box.textContent.trim() === '';
  }, EDITOR);
}

/** Every message the bot wrote in the open chat, oldest first. */
export function botMessages(page: Page): Locator {
  return page.locator('[aria-label="Message header"]:has([aria-label="Message author"])').locator('xpath=..');
}

/** Waits until a bot message (text or card) contains `text` and returns the last such message. */
export async function waitForText(page: Page, text: string | RegExp, timeoutMs = 30000): Promise<Locator> {
  const message = botMessages(page).filter({ hasText: text }).last();
  await message.waitFor({ state: 'visible', timeout: timeoutMs });
  return message;
}

/** The bot's Adaptive Cards that contain `text`, oldest first. */
export function botCards(page: Page, text: string | RegExp): Locator {
  return botMessages(page).locator(CARD).filter({ hasText: text });
}

/**
 * Waits until an Adaptive Card from the bot contains `text` and returns the last such card. With `moreThan`, waits
 * until there are more such cards than that (count them with `botCards(page, text).count()` before acting), so an
 * older card with the same text does not count. A card updated in place (Action.Execute) is found by new text.
 */
export async function waitForCard(page: Page, text: string | RegExp, options: { moreThan?: number; timeoutMs?: number } = {}): Promise<Locator> {
  const cards = botCards(page, text);
  const timeout = options.timeoutMs ?? 30000;
  if (options.moreThan !== undefined) {
    await cards.nth(options.moreThan).waitFor({ state: 'visible', timeout });
  }
  const card = cards.last();
  await card.waitFor({ state: 'visible', timeout });
  return card;
}

interface FieldInfo {
  id: string;
  tag: string;
  role: string | null;
  type: string | null;
  popup: string | null;
}

/**
 * Finds the input labelled `label` in the last card that has such a label. The label matches exactly (after dropping
 * the required-field " *"), or else by prefix ("Job functions" finds "Job functions (up to 3)"); a RegExp is tested as is.
 */
async function findField(page: Page, label: string | RegExp): Promise<{ field: Locator; info: FieldInfo }> {
  const pattern = typeof label === 'string' ? null : { source: label.source, flags: label.flags };
  const found = await page.evaluate(
    ({ card, text, pattern }) => {
      const doc = (globalThis as any).document;
      const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
      const labelText = (el: any) =>
        clean(
          Array.from(el.childNodes as ArrayLike<any>)
            .filter((n: any) => !(n.nodeType === 1 && n.getAttribute('aria-hidden') === 'true'))
            .map((n: any) => n.textContent)
            .join('')
        );
      const labels: any[] = Array.from(doc.querySelectorAll(`${card} label[for]`));
      const texts = labels.map(labelText);
      let matches: number[];
      if (pattern) {
        const re = new RegExp(pattern.source, pattern.flags);
        matches = texts.flatMap((t, i) => (re.test(t) ? [i] : []));
      } else {
        matches = texts.flatMap((t, i) => (t === text ? [i] : []));
        if (matches.length === 0) matches = texts.flatMap((t, i) => (t.startsWith(text) ? [i] : []));
      }
      if (matches.length === 0) return { error: `no card input labelled ${JSON.stringify(text)}; labels: ${JSON.stringify(texts)}` };
      const id = labels[matches[matches.length - 1]].getAttribute('for');
      const el = doc.getElementById(id);
      if (!el) return { error: `label ${JSON.stringify(text)} points to a missing element #${id}` };
      return { id, tag: el.tagName.toLowerCase(), role: el.getAttribute('role'), type: el.getAttribute('type'), popup: el.getAttribute('aria-haspopup') };
    },
    { card: CARD, text: typeof label === 'string' ? label : String(label), pattern }
  );
  if ('error' in found) throw new Error(String(found.error));
  const info = found as FieldInfo;
  return { field: page.locator(`[id="${info.id}"]`), info };
}

/**
 * Fills the card input labelled `label` (see findField). Text, multiline, number: the value is typed. Date: YYYY-MM-DD.
 * Compact or expanded ChoiceSet: the choice's title (as shown), or a list of titles for a multi-select (exactly those end
 * up checked). Toggle: "true"/"false".
 */
export async function fillCardInput(page: Page, label: string | RegExp, value: string | string[]): Promise<void> {
  const { field, info } = await findField(page, label);
  const values = Array.isArray(value) ? value : [value];
  if (info.role === 'radiogroup') {
    const byTitle = field.getByRole('radio', { name: values[0], exact: true });
    await ((await byTitle.count()) > 0 ? byTitle : field.locator(`input[value="${values[0]}"]`)).check();
    return;
  }
  if (info.role === 'combobox' && info.popup === 'dialog') {
    await field.fill(values[0]);
    await field.press('Enter');
    await page.keyboard.press('Escape');
    if (values[0] && !(await field.inputValue())) throw new Error(`the date picker "${label}" did not take ${values[0]} (use YYYY-MM-DD)`);
    return;
  }
  if (info.role === 'combobox') {
    await selectChoices(page, field, values, String(label));
    return;
  }
  if (info.tag === 'input' && info.type === 'checkbox') {
    await field.setChecked(values[0] === 'true');
    return;
  }
  if (info.tag === 'div') {
    // An expanded multi-select: checkboxes labelled with the titles.
    const boxes = field.getByRole('checkbox');
    for (let i = 0; i < (await boxes.count()); i++) {
      const box = boxes.nth(i);
      const name = (await box.evaluate((el: any) => el.labels?.[0]?.textContent ?? '')).trim();
      await box.setChecked(values.includes(name));
    }
    return;
  }
  await field.fill(values.join(','));
}

async function selectChoices(page: Page, field: Locator, titles: string[], label: string): Promise<void> {
  await field.click();
  const controls = await waitForAttribute(field, 'aria-controls');
  const popup = page.locator(`[id="${controls}"]`);
  const multi = (await popup.getByRole('menuitemcheckbox').count()) > 0;
  if (!multi) {
    if (titles.length !== 1) throw new Error(`"${label}" is a single-choice list; give one title`);
    const option = popup.getByRole('option', { name: titles[0], exact: true });
    if ((await option.count()) === 0) {
      const shown = await popup.getByRole('option').allTextContents();
      await page.keyboard.press('Escape');
      throw new Error(`"${label}" has no choice titled ${JSON.stringify(titles[0])}; choices: ${JSON.stringify(shown)}`);
    }
    await option.click();
    await popup.waitFor({ state: 'hidden' }).catch(() => page.keyboard.press('Escape'));
    return;
  }
  const items = popup.getByRole('menuitemcheckbox');
  const names = (await items.allTextContents()).map((t) => t.trim());
  const missing = titles.filter((t) => !names.includes(t));
  if (missing.length > 0) {
    await page.keyboard.press('Escape');
    throw new Error(`"${label}" has no choices titled ${JSON.stringify(missing)}; choices: ${JSON.stringify(names)}`);
  }
  for (let i = 0; i < names.length; i++) {
    const item = items.nth(i);
    const checked = (await item.getAttribute('aria-checked')) === 'true';
    if (checked !== titles.includes(names[i])) await item.click();
  }
  await page.keyboard.press('Escape');
}

async function waitForAttribute(locator: Locator, name: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await locator.getAttribute(name);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`the list did not open (no ${name})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Reads the current value shown by the card input labelled `label`. */
export async function cardInputValue(page: Page, label: string | RegExp): Promise<string> {
  const { field } = await findField(page, label);
  return field.inputValue();
}

/** The card input labelled `label` (for custom checks, e.g. its position). */
export async function cardInput(page: Page, label: string | RegExp): Promise<Locator> {
  return (await findField(page, label)).field;
}

/** Clicks the action button titled `title` on the last card that has one. */
export async function clickCardAction(page: Page, title: string): Promise<void> {
  const button = page.locator(CARD).getByRole('button', { name: title, exact: true }).last();
  await button.click();
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ACData from 'adaptivecards-templating';

/** Folder of the card templates: `cards/` at the project root (this file runs from dist/src/bot). */
export const CARDS_DIR = join(__dirname, '..', '..', '..', 'cards');

export const CARD_NAMES = [
  'job-form', 'job', 'job-list', 'job-close-confirm', 'help', 'notice', 'feed-build', 'feed-status', 'feed-notice', 'faq-topics', 'faq-answer',
  'job-diagnosis', 'settings', 'settings-history', 'approval', 'candidate-exported', 'export-status',
  'privacy-help', 'privacy-people'
] as const;
export type CardName = (typeof CARD_NAMES)[number];

export type AdaptiveCardJson = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

const templates = new Map<CardName, ACData.Template>();

function template(name: CardName): ACData.Template {
  let found = templates.get(name);
  if (!found) {
    found = new ACData.Template(JSON.parse(readFileSync(join(CARDS_DIR, `${name}.json`), 'utf8')));
    templates.set(name, found);
  }
  return found;
}

export function renderCard(name: CardName, data: object): AdaptiveCardJson {
  return template(name).expand({ $root: data }) as AdaptiveCardJson;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExpressionEvaluator, ExpressionFunctions, FunctionUtils, ReturnType } from 'adaptive-expressions';
import * as ACData from 'adaptivecards-templating';
import { escapeMarkdown, markdownBullets } from './markdown';
import type { AdaptiveCardJson } from '../shared/types';

/** Folder of the card templates: `cards/` at the project root (this file runs from dist/src/bot). */
export const CARDS_DIR = join(__dirname, '..', '..', '..', 'cards');

export const CARD_NAMES = [
  'job-form', 'job', 'job-list', 'job-close-confirm', 'help', 'notice', 'feed-build', 'feed-status', 'feed-notice', 'faq-topics', 'faq-answer',
  'job-diagnosis', 'settings', 'settings-history', 'approval', 'candidate-exported', 'export-status',
  'privacy-help', 'privacy-people', 'digest',
  'candidate-handover', 'job-share'
] as const;
export type CardName = (typeof CARD_NAMES)[number];

/**
 * Template functions for the places Teams reads as Markdown. Every `${…}` there is escaped unless the template says
 * otherwise: `${markdown(x)}` for our own Markdown (FAQ answers), `${bullets(list)}` for a list of plain sentences.
 */
const ESCAPE_FN = 'plainText';
const TRUSTED_FNS = ['markdown', 'bullets', ESCAPE_FN];
// adaptivecards-templating resolves functions from adaptive-expressions' standard table only.
function addTemplateFunction(name: string, fn: (value: unknown) => string): void {
  (ExpressionFunctions.standardFunctions as Map<string, ExpressionEvaluator>).set(name, new ExpressionEvaluator(name, FunctionUtils.apply((args) => fn(args[0])), ReturnType.String));
}
addTemplateFunction(ESCAPE_FN, escapeMarkdown);
addTemplateFunction('markdown', (value) => (value === undefined || value === null ? '' : String(value)));
addTemplateFunction('bullets', markdownBullets);

const EXPRESSION = /\$\{([^}]*)\}/g;

/** `s.…` are the card's own labels (cardStrings): plain text of ours, left as they are. */
function isTrusted(expression: string): boolean {
  const trimmed = expression.trim();
  return /^s\.\w+$/.test(trimmed) || TRUSTED_FNS.some((fn) => trimmed.startsWith(`${fn}(`));
}

function escapeExpressions(text: string): string {
  return text.replace(EXPRESSION, (whole, inner: string) => (isTrusted(inner) ? whole : `\${${ESCAPE_FN}(${inner})}`));
}

/** Rewrites the template in place: TextBlock text and FactSet facts escape what they bind. */
export function escapeMarkdownBindings(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(escapeMarkdownBindings);
  if (!node || typeof node !== 'object') return;
  const element = node as Record<string, unknown>;
  if (element.type === 'TextBlock' && typeof element.text === 'string') element.text = escapeExpressions(element.text);
  if (element.type === 'FactSet' && Array.isArray(element.facts)) {
    for (const fact of element.facts as Record<string, unknown>[]) {
      for (const key of ['title', 'value']) if (typeof fact[key] === 'string') fact[key] = escapeExpressions(fact[key]);
    }
  }
  for (const [key, child] of Object.entries(element)) if (key !== '$when' && key !== '$data') escapeMarkdownBindings(child);
}

const templateJson = new Map<CardName, unknown>();

function templateSource(name: CardName): unknown {
  let json = templateJson.get(name);
  if (json === undefined) {
    json = JSON.parse(readFileSync(join(CARDS_DIR, `${name}.json`), 'utf8'));
    escapeMarkdownBindings(json);
    templateJson.set(name, json);
  }
  return json;
}

/** `${s.key}`: a card label, the same on every card shown in one language. */
const LABEL = /\$\{s\.(\w+)\}/g;
/** A label the template engine would read as part of an expression is left for it to bind. */
const plainLabel = (text: string | undefined): text is string => text !== undefined && !/[`\\]|\$\{/.test(text);

/** The template with its labels written in, so expanding it evaluates only what changes from card to card. */
function withLabels(node: unknown, labels: ReadonlyMap<string, string>): unknown {
  if (typeof node === 'string') return node.replace(LABEL, (whole, key: string) => { const text = labels.get(key); return plainLabel(text) ? text : whole; });
  if (Array.isArray(node)) return node.map((child) => withLabels(child, labels));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, withLabels(child, labels)]));
}

/** Parsed templates: per card, and per set of labels for the cards bound to `s` (cardStrings keeps one per language). */
const templates = new Map<CardName, Map<ReadonlyMap<string, string> | undefined, ACData.Template>>();

function template(name: CardName, labels: ReadonlyMap<string, string> | undefined): ACData.Template {
  let byLabels = templates.get(name);
  if (!byLabels) templates.set(name, (byLabels = new Map<ReadonlyMap<string, string> | undefined, ACData.Template>()));
  let found = byLabels.get(labels);
  if (!found) {
    found = new ACData.Template(labels ? withLabels(templateSource(name), labels) : templateSource(name));
    byLabels.set(labels, found);
  }
  return found;
}

/** Expands a card template; every bound value Teams would read as Markdown shows as plain text. */
export function renderCard(name: CardName, data: object): AdaptiveCardJson {
  const labels = (data as { s?: unknown }).s;
  return template(name, labels instanceof Map ? (labels as ReadonlyMap<string, string>) : undefined).expand({ $root: data }) as AdaptiveCardJson;
}

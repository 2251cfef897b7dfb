import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CARDS_DIR } from '../src/bot/cards';
import { cardRoutes } from '../src/bot/routes';

/**
 * Card routes no card template reaches (for example a verb only a handler-built card or a message extension sends).
 * None today: every card the bot sends is a template in cards/. Each entry needs a comment saying what sends it.
 */
const ROUTES_REACHED_OTHERWISE: readonly string[] = [];

interface VerbUse {
  verb: string;
  where: string;
}

/** Every `verb` in a card template, at any depth: Action.Execute's verb, and `data.verb` if a card carries one. */
function verbsIn(node: unknown, where: string, found: VerbUse[] = []): VerbUse[] {
  if (Array.isArray(node)) {
    node.forEach((item, index) => verbsIn(item, `${where}[${index}]`, found));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'verb') {
        assert.equal(typeof value, 'string', `${where}.verb is a literal string`);
        found.push({ verb: value as string, where: `${where}.verb` });
      }
      verbsIn(value, `${where}.${key}`, found);
    }
  }
  return found;
}

function templateVerbs(): VerbUse[] {
  const files = readdirSync(CARDS_DIR).filter((file) => file.endsWith('.json')).sort();
  return files.flatMap((file) => verbsIn(JSON.parse(readFileSync(join(CARDS_DIR, file), 'utf8')) as unknown, file));
}

describe('card verbs and the route table', () => {
  const routeVerbs = new Set(cardRoutes.map((route) => route.verb));
  const uses = templateVerbs();

  it('finds the verbs of the card templates', () => {
    assert.ok(uses.length > 0, `no verb found in ${CARDS_DIR}`);
  });

  it('routes every verb a card template sends', () => {
    const unrouted = uses.filter((use) => !routeVerbs.has(use.verb)).map((use) => `${use.verb} (${use.where})`);
    assert.deepEqual(unrouted, [], 'verbs in cards/ that no entry in cardRoutes (src/bot/routes.ts) handles');
  });

  it('has no card route that no card sends', () => {
    const sent = new Set(uses.map((use) => use.verb));
    const stale = [...routeVerbs].filter((verb) => !sent.has(verb) && !ROUTES_REACHED_OTHERWISE.includes(verb));
    assert.deepEqual(stale, [], 'card routes in src/bot/routes.ts that no template in cards/ uses');
  });

  it('lists only real, otherwise unreached routes as reached otherwise', () => {
    const sent = new Set(uses.map((use) => use.verb));
    for (const verb of ROUTES_REACHED_OTHERWISE) {
      assert.ok(routeVerbs.has(verb), `${verb} is listed as reached otherwise but is not a card route`);
      assert.ok(!sent.has(verb), `${verb} is listed as reached otherwise but a card template sends it`);
    }
  });

  it('has one route per verb', () => {
    assert.equal(routeVerbs.size, cardRoutes.length, 'a verb appears twice in cardRoutes');
  });
});

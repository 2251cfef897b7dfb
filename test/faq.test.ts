import assert from 'node:assert/strict';
import { FAQ_TOPICS, FAQ_TOPIC_IDS, matchFaq, normalizeQuestion, scoreTopics } from '../src/domain/faq';
import { en, nb } from '../src/i18n/faqStrings';
import { FAQ_QUESTIONS, UNRELATED } from './support/faqQuestions';

describe('FAQ matching (pure)', () => {
  for (const id of FAQ_TOPIC_IDS) {
    for (const language of ['en', 'nb'] as const) {
      for (const question of FAQ_QUESTIONS[id][language]) {
        it(`[${language}] "${question}" → ${id}`, () => {
          const found = matchFaq(question);
          const why = scoreTopics(question).slice(0, 3).map((entry) => `${entry.topic}:${entry.score}`).join(' ');
          assert.deepEqual(found, { kind: 'answer', topic: id }, why);
        });
      }
    }
  }

  it('has at least two phrasings per topic per language, and every topic an answer in both', () => {
    for (const id of FAQ_TOPIC_IDS) {
      assert.ok(FAQ_QUESTIONS[id].en.length >= 2 && FAQ_QUESTIONS[id].nb.length >= 2, id);
      assert.ok(en[`faq.${id}.a`] && nb[`faq.${id}.a`], id);
    }
  });

  for (const text of UNRELATED) {
    it(`"${text}" is not an FAQ question`, () => {
      assert.deepEqual(matchFaq(text), { kind: 'none' });
    });
  }

  it('a question that fits two topics equally gets a short list of both, not a guess', () => {
    assert.deepEqual(matchFaq('how often can I promote jobs on LinkedIn?'), { kind: 'suggest', topics: ['premium_slots', 'batch_frequency'] });
    assert.deepEqual(matchFaq('export or premium on linkedin'), { kind: 'suggest', topics: ['export_candidates', 'premium_slots'] });
  });

  it('a weak hint about LinkedIn gets suggestions; the same weak hint about anything else gets nothing', () => {
    assert.deepEqual(matchFaq('linkedin candidates'), { kind: 'suggest', topics: ['candidates', 'export_candidates'] });
    assert.deepEqual(matchFaq('candidates'), { kind: 'none' });
    assert.deepEqual(matchFaq('premium'), { kind: 'none' });
  });

  it('works without Norwegian letters and across punctuation and case', () => {
    assert.deepEqual(matchFaq('HVOR OFTE behandler LinkedIn jobbene'), { kind: 'answer', topic: 'batch_frequency' });
    assert.deepEqual(matchFaq('kan jeg fa kandidater fra linkedin?'), { kind: 'answer', topic: 'candidates' });
    assert.equal(normalizeQuestion("Why isn't it — on LinkedIn?!"), 'why isnt it on linkedin');
  });

  it('every related topic exists and no topic relates to itself', () => {
    for (const topic of FAQ_TOPICS) {
      for (const related of topic.related) {
        assert.ok(FAQ_TOPIC_IDS.includes(related));
        assert.notEqual(related, topic.id);
      }
    }
  });
});

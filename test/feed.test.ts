import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import type { Job } from '../src/domain/job';
import { FeedSettings, FeedTooLargeError, HoldReason, heldBackReasons, isInFeedSnapshot } from '../src/domain/feedRules';
import { writeFeed } from '../src/domain/feedXmlWriter';
import { create } from 'xmlbuilder2';
import { cdata, cdataPieces, sanitizeDescription, sanitizeText } from '../src/domain/feedText';

// ---- helpers ---------------------------------------------------------------------------------------------------

const NOW = new Date('2025-07-01T12:00:00Z');
const LONG_TEXT = 'We are hiring a person who enjoys building reliable software and working closely with a friendly team. ';

const SETTINGS: FeedSettings = {
  companyName: 'Contoso',
  companyId: '123456',
  posterEmail: 'jobs@contoso.com',
  publisher: 'Contoso Jobs Bot',
  publisherUrl: 'https://www.contoso.com',
  industryCodes: [4, 96]
};

function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 'J0000000001',
    tenantId: 'tenant-1',
    state: 'queued',
    author: { aadObjectId: 'aad-1', name: 'Ada', tenantId: 'tenant-1' },
    createdAt: '2025-06-30T10:00:00.000Z',
    updatedAt: '2025-06-30T10:00:00.000Z',
    title: 'Software Engineer',
    company: 'Contoso',
    city: 'London',
    country: 'GB',
    workplaceType: 'Hybrid',
    employmentType: 'FULL_TIME',
    experienceLevel: 'MID_SENIOR_LEVEL',
    jobFunctions: ['eng', 'it'],
    description: `<p>${LONG_TEXT}</p>`,
    applyUrl: 'https://careers.contoso.com/jobs/1',
    ...overrides
  };
}

async function* stream(jobs: Job[]): AsyncIterable<Job> {
  for (const job of jobs) yield job;
}

interface XmlElement {
  name: string;
  text: string;
  children: XmlElement[];
}

/** Strict XML 1.0 parse (saxes rejects forbidden characters, `]]>` in text, bad nesting): the feed as a tree. */
function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [{ name: '#document', text: '', children: [] }];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const child: XmlElement = { name: tag.name, text: '', children: [] };
    stack[stack.length - 1].children.push(child);
    stack.push(child);
  });
  parser.on('closetag', () => void stack.pop());
  const addText = (text: string) => {
    stack[stack.length - 1].text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.write(xml).close();
  return stack[0].children[0];
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

function textOf(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}

async function buildFeed(jobs: Job[], settings = SETTINGS, options: { expectedJobCount?: number; maxJobs?: number } = {}) {
  const chunks: string[] = [];
  const result = await writeFeed(stream(jobs), settings, { write: (chunk) => void chunks.push(chunk) }, {
    now: NOW,
    expectedJobCount: options.expectedJobCount ?? jobs.length,
    maxJobs: options.maxJobs
  });
  const xml = chunks.join('');
  // Through UTF-8 bytes, as LinkedIn reads it.
  const source = parseXml(Buffer.from(xml, 'utf8').toString('utf8'));
  return { xml, source, result, jobs: source.children.filter((c) => c.name === 'job') };
}

// ---- document shape --------------------------------------------------------------------------------------------

describe('feed: document', () => {
  it('writes the header and each job, parsing back to the same values', async () => {
    const jobs = [
      makeJob(),
      makeJob({ id: 'J0000000002', title: 'Data Analyst', city: 'Paris', country: 'FR', description: `<b>Data</b> ${LONG_TEXT}` })
    ];
    const { xml, source, result, jobs: parsed } = await buildFeed(jobs);

    assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<source>\n'));
    assert.equal(source.name, 'source');
    assert.equal(textOf(source, 'lastBuildDate'), 'Tue, 01 Jul 2025 12:00:00 GMT');
    assert.equal(textOf(source, 'publisherUrl'), 'https://www.contoso.com');
    assert.equal(textOf(source, 'publisher'), 'Contoso Jobs Bot');
    assert.equal(textOf(source, 'expectedJobCount'), '2');
    assert.deepEqual(parsed.map((j) => textOf(j, 'partnerJobId')), ['J0000000001', 'J0000000002']);
    assert.deepEqual(parsed.map((j) => textOf(j, 'title')), ['Software Engineer', 'Data Analyst']);
    assert.deepEqual(parsed.map((j) => textOf(j, 'city')), ['London', 'Paris']);
    assert.equal(textOf(parsed[1], 'description'), `<b>Data</b> ${LONG_TEXT}`.trim());
    assert.equal(textOf(parsed[0], 'location'), 'London, United Kingdom');
    assert.equal(textOf(parsed[1], 'location'), 'Paris, France');
    assert.deepEqual(result, {
      jobCount: 2, expectedJobCount: 2, heldBack: [], expiredJobIds: [], notOpenCount: 0, bytes: Buffer.byteLength(xml, 'utf8')
    });
  });

  it('writes every element LinkedIn reads for a fully described job', async () => {
    const job = makeJob({
      city: 'Austin', region: 'TX', country: 'US', postalCode: '78701', workplaceType: 'On-site',
      salaryMin: 90000, salaryMax: 120000.5, salaryCurrency: 'USD', salaryPeriod: 'YEARLY',
      expirationDate: '2025-08-01', firstFedAt: '2025-06-30T23:00:00.000Z'
    });
    const { jobs: [parsed] } = await buildFeed([job]);

    assert.deepEqual(parsed.children.map((c) => c.name), [
      'partnerJobId', 'company', 'title', 'description', 'applyUrl', 'companyId', 'location', 'city', 'state', 'country',
      'postalCode', 'workplaceTypes', 'jobtype', 'experienceLevel', 'jobFunctions', 'industryCodes', 'salaries',
      'listDate', 'expirationDate', 'posterEmail'
    ]);
    assert.equal(textOf(parsed, 'location'), 'Austin, TX');
    assert.equal(textOf(parsed, 'state'), 'TX');
    assert.equal(textOf(parsed, 'country'), 'US');
    assert.equal(textOf(parsed, 'companyId'), '123456');
    assert.equal(textOf(parsed, 'posterEmail'), 'jobs@contoso.com');
    assert.equal(textOf(parsed, 'workplaceTypes'), 'On-site');
    assert.equal(textOf(parsed, 'jobtype'), 'FULL_TIME');
    assert.equal(textOf(parsed, 'listDate'), '2025-06-30');
    assert.equal(textOf(parsed, 'expirationDate'), '2025-08-01');
    assert.deepEqual(child(parsed, 'jobFunctions')!.children.map((c) => [c.name, c.text]), [['jobFunction', 'eng'], ['jobFunction', 'it']]);
    assert.deepEqual(child(parsed, 'industryCodes')!.children.map((c) => [c.name, c.text]), [['industryCode', '4'], ['industryCode', '96']]);

    const salary = child(child(parsed, 'salaries')!, 'salary')!;
    assert.equal(textOf(child(salary, 'highEnd')!, 'amount'), '120000.5');
    assert.equal(textOf(child(salary, 'highEnd')!, 'currencyCode'), 'USD');
    assert.equal(textOf(child(salary, 'lowEnd')!, 'amount'), '90000');
    assert.equal(textOf(salary, 'period'), 'YEARLY');
    assert.equal(textOf(salary, 'type'), 'BASE_SALARY');
  });

  it('omits empty optional elements and values LinkedIn\'s XML feed does not list', async () => {
    const job = makeJob({ employmentType: 'TEMPORARY', jobFunctions: [], salaryMin: 10, salaryCurrency: undefined });
    const { jobs: [parsed] } = await buildFeed([job], { ...SETTINGS, industryCodes: [] });
    const names = parsed.children.map((c) => c.name);
    for (const absent of ['state', 'postalCode', 'jobtype', 'jobFunctions', 'industryCodes', 'salaries', 'expirationDate']) {
      assert.ok(!names.includes(absent), absent);
    }
    assert.equal(textOf(parsed, 'listDate'), '2025-07-01', 'a job never fed is listed today');
    for (const element of parsed.children) assert.ok(element.text !== '' || element.children.length > 0, element.name);
  });

  it('reports a job count that differs from the expected one', async () => {
    const { source, result } = await buildFeed([makeJob()], SETTINGS, { expectedJobCount: 5 });
    assert.equal(textOf(source, 'expectedJobCount'), '5');
    assert.equal(result.jobCount, 1);
    assert.equal(result.expectedJobCount, 5);
  });

  it('writes a well-formed empty feed', async () => {
    const { source, jobs } = await buildFeed([]);
    assert.equal(source.name, 'source');
    assert.equal(jobs.length, 0);
  });
});

// ---- snapshot ---------------------------------------------------------------------------------------------------

describe('feed: snapshot', () => {
  it('holds open, unexpired jobs only', () => {
    assert.equal(isInFeedSnapshot(makeJob({ state: 'queued' }), NOW), true);
    assert.equal(isInFeedSnapshot(makeJob({ state: 'in_feed' }), NOW), true);
    assert.equal(isInFeedSnapshot(makeJob({ state: 'posted' }), NOW), true);
    assert.equal(isInFeedSnapshot(makeJob({ state: 'draft' }), NOW), false);
    assert.equal(isInFeedSnapshot(makeJob({ state: 'awaiting_approval' }), NOW), false);
    assert.equal(isInFeedSnapshot(makeJob({ state: 'closed', closedAt: NOW.toISOString() }), NOW), false);
    assert.equal(isInFeedSnapshot(makeJob({ state: 'posted', closedAt: NOW.toISOString() }), NOW), false);
    assert.equal(isInFeedSnapshot(makeJob({ expirationDate: '2025-06-30' }), NOW), false);
    assert.equal(isInFeedSnapshot(makeJob({ expirationDate: '2025-07-01' }), NOW), true, 'open through its last day');
  });

  it('leaves expired and closed jobs out, and reports them', async () => {
    const { jobs, result } = await buildFeed([
      makeJob({ id: 'JOPEN000001' }),
      makeJob({ id: 'JEXPIRED001', state: 'posted', expirationDate: '2025-06-30' }),
      makeJob({ id: 'JCLOSED0001', state: 'closed', closedAt: '2025-06-01T00:00:00.000Z' }),
      makeJob({ id: 'JDRAFT00001', state: 'draft' })
    ]);
    assert.deepEqual(jobs.map((j) => textOf(j, 'partnerJobId')), ['JOPEN000001']);
    assert.deepEqual(result.expiredJobIds, ['JEXPIRED001']);
    assert.equal(result.notOpenCount, 2);
    assert.deepEqual(result.heldBack, []);
  });
});

// ---- hold rules -------------------------------------------------------------------------------------------------

describe('feed: held back', () => {
  const cases: Array<[HoldReason, Partial<Job>, Partial<FeedSettings>]> = [
    ['company_id_missing', {}, { companyId: undefined }],
    ['company_id_missing', {}, { companyId: '  ' }],
    ['company_id_not_numeric', {}, { companyId: 'contoso' }],
    ['poster_email_missing', {}, { posterEmail: undefined }],
    ['poster_email_invalid', {}, { posterEmail: 'not an email' }],
    ['partner_job_id_missing', { id: '' }, {}],
    ['partner_job_id_too_long', { id: 'J'.repeat(41) }, {}],
    ['company_missing', { company: '\u0000' }, { companyName: '' }],
    ['company_confidential', { company: 'Confidential' }, {}],
    ['title_missing', { title: ' \u0001 ' }, {}],
    ['title_too_long', { title: 'T'.repeat(201) }, {}],
    ['description_too_short', { description: 'Too short' }, {}],
    ['description_too_short', { description: `<p>${'<b></b>'.repeat(30)}${'x'.repeat(99)}</p>` }, {}],
    ['description_too_long', { description: 'x'.repeat(25001) }, {}],
    ['apply_url_not_https', { applyUrl: 'http://careers.contoso.com/jobs/1' }, {}],
    ['apply_url_not_https', { applyUrl: 'not a url' }, {}],
    ['location_incomplete', { city: '' }, {}],
    ['location_incomplete', { country: 'United Kingdom' }, {}],
    ['location_incomplete', { city: 'Austin', country: 'US', region: undefined }, {}],
    ['job_functions_too_many', { jobFunctions: ['eng', 'it', 'qa', 'hr'] }, {}],
    ['expired', { expirationDate: '2025-06-30' }, {}]
  ];

  for (const [reason, jobChange, settingsChange] of cases) {
    it(`${reason} for ${JSON.stringify({ ...jobChange, ...settingsChange }).slice(0, 60)}`, () => {
      assert.deepEqual(heldBackReasons(makeJob(jobChange), { ...SETTINGS, ...settingsChange }, NOW), [reason]);
    });
  }

  it('finds nothing wrong with a complete job', () => {
    assert.deepEqual(heldBackReasons(makeJob(), SETTINGS, NOW), []);
    assert.deepEqual(heldBackReasons(makeJob({ city: 'Austin', region: 'TX', country: 'US' }), SETTINGS, NOW), []);
  });

  it('falls back to the settings company name', () => {
    assert.deepEqual(heldBackReasons(makeJob({ company: '' }), SETTINGS, NOW), []);
  });

  it('skips held-back jobs in the feed and reports every reason', async () => {
    const { jobs, result } = await buildFeed([makeJob({ id: 'JBAD0000001', title: '', applyUrl: 'http://x.com' }), makeJob()]);
    assert.deepEqual(jobs.map((j) => textOf(j, 'partnerJobId')), ['J0000000001']);
    assert.deepEqual(result.heldBack, [{ jobId: 'JBAD0000001', reasons: ['title_missing', 'apply_url_not_https'] }]);
  });
});

// ---- size limit -------------------------------------------------------------------------------------------------

describe('feed: size limit', () => {
  const three = ['J1', 'J2', 'J3'].map((id) => makeJob({ id }));

  it('refuses rather than truncates when more feedable jobs arrive than allowed', async () => {
    await assert.rejects(buildFeed(three, SETTINGS, { maxJobs: 2, expectedJobCount: 2 }), FeedTooLargeError);
  });

  it('refuses before writing when the expected count is already too large', async () => {
    const chunks: string[] = [];
    await assert.rejects(
      writeFeed(stream(three), SETTINGS, { write: (c) => void chunks.push(c) }, { now: NOW, expectedJobCount: 3, maxJobs: 2 }),
      FeedTooLargeError
    );
    assert.deepEqual(chunks, []);
  });

  it('counts only feedable jobs against the limit', async () => {
    const jobs = [...three.slice(0, 2), makeJob({ id: 'J9', state: 'closed', closedAt: NOW.toISOString() })];
    const { result } = await buildFeed(jobs, SETTINGS, { maxJobs: 2, expectedJobCount: 2 });
    assert.equal(result.jobCount, 2);
  });
});

// ---- text safety ------------------------------------------------------------------------------------------------

const HOSTILE_PIECES = [
  ']]>', ']]', ']', '>', '<', '&', '&amp;', '&#x1;', '\u0000', '\u0001', '\u0008', '\u000B', '\u001F', '\u007F', '\u0085',
  '\uD800', '\uDBFF', '\uDC00', '\uD83D\uDE00', '\uFFFE', '\uFFFF', '\uFEFF', '\r\n', '\r', '\n', '\t', ' ',
  '<script>alert(1)</script>', '<style>p{}</style>', '<b>', '</b>', '<br/>', '<a href="x>y">y</a>', '<!-- c -->',
  '<![CDATA[', '<?xml version="1.0"?>', '<LI class="x">', 'é', '日本'
];
const anyUtf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 });
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), anyUtf16, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 12 })
  .map((pieces) => pieces.join(''));

function parsedText(fragment: string): string {
  return parseXml(`<a>${fragment}</a>`).text;
}

describe('feed: text safety', () => {
  it('CDATA survives any text, reading back as the sanitised text', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        assert.equal(parsedText(cdata(text)), sanitizeText(text));
      }),
      { numRuns: 500 }
    );
  });

  it('splits ]]> across sections', () => {
    assert.equal(cdata('a]]>b'), '<![CDATA[a]]]]><![CDATA[>b]]>');
  });

  it('removes characters XML 1.0 forbids, lone surrogates included, and keeps the rest', () => {
    assert.equal(sanitizeText('a\u0000b\u0001c\uFFFEd\uFFFFe\uD800f\uDC00g'), 'abcdefg');
    assert.equal(sanitizeText('tab\tnl\n😀\uE000\uFFFD\u0085'), 'tab\tnl\n😀\uE000\uFFFD\u0085');
    assert.equal(sanitizeText('a\r\nb\rc'), 'a\nb\nc');
  });

  it('whole feeds of hostile jobs are well-formed and read back as the sanitised values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ title: hostileText, company: hostileText, city: hostileText, text: hostileText }), { minLength: 1, maxLength: 3 }), async (values) => {
        const jobs = values.map((v, i) =>
          makeJob({
            id: `J${i}`, title: `T${v.title}`, company: `C${v.company}`, city: `X${v.city}`, region: v.city,
            postalCode: v.text, country: 'US', description: `${LONG_TEXT}${v.text}`
          })
        );
        const { jobs: parsed, result } = await buildFeed(jobs);
        assert.equal(parsed.length + result.heldBack.length, jobs.length);
        const fed = jobs.filter((job) => !result.heldBack.some((h) => h.jobId === job.id));
        fed.forEach((job, i) => {
          assert.equal(textOf(parsed[i], 'title'), sanitizeText(job.title).trim());
          assert.equal(textOf(parsed[i], 'company'), sanitizeText(job.company).trim());
          assert.equal(textOf(parsed[i], 'city'), sanitizeText(job.city).trim());
          assert.equal(textOf(parsed[i], 'description'), sanitizeDescription(job.description).trim());
          assert.equal(textOf(parsed[i], 'location'), `${sanitizeText(job.city).trim()}, ${sanitizeText(job.region).trim()}`);
          assert.equal(textOf(parsed[i], 'postalCode'), sanitizeText(job.postalCode).trim() || undefined);
        });
      }),
      { numRuns: 200 }
    );
  });
  it("a job's own values (id, company, title, description, apply URL) are written exactly as xmlbuilder2 writes them", async () => {
    const asXmlbuilder2 = (name: string, value: string) => {
      const element = create().ele(name);
      for (const piece of cdataPieces(value)) element.dat(piece);
      return element.toString({ headless: true });
    };
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (title, company) => {
        const job = makeJob({ title: `T${title}`, company: `C${company}`, description: `${LONG_TEXT}${title}` });
        const { xml, result } = await buildFeed([job]);
        if (result.jobCount === 0) return;
        const entry = {
          partnerJobId: job.id, company: sanitizeText(job.company).trim(), title: sanitizeText(job.title).trim(),
          description: sanitizeDescription(job.description).trim(), applyUrl: job.applyUrl
        };
        const expected = Object.entries(entry).map(([name, value]) => asXmlbuilder2(name, value)).join('');
        assert.ok(xml.includes(`<job>${expected}<companyId>`), `${JSON.stringify(title)}, ${JSON.stringify(company)}`);
      }),
      { numRuns: 300 }
    );
  });
});

describe('feed: description HTML', () => {
  it('keeps LinkedIn\'s tags, strips others to their text and drops script content', () => {
    assert.equal(sanitizeDescription('<script>alert(1)</script><b>x</b><a href="https://evil.example/?q=>">y</a>'), '<b>x</b>y');
  });

  it('drops attributes and normalises tag case and <br/>', () => {
    assert.equal(
      sanitizeDescription('<P class="lead" onclick=\'x()\'>Hi<BR/>there</P><ul><li style="c">one</li></ul><strong>s</strong><u>u</u><i>i</i>'),
      '<p>Hi<br>there</p><ul><li>one</li></ul><strong>s</strong><u>u</u><i>i</i>'
    );
  });

  it('removes style content, comments, doctype and tags it does not know, keeping their text', () => {
    assert.equal(
      sanitizeDescription('<!DOCTYPE html><style>b{color:red}</style><!-- hidden --><h1>Title</h1><div><span>body</span></div><img src=x onerror=alert(1)>'),
      'Titlebody'
    );
  });

  it('leaves entities as written and escapes a stray <', () => {
    assert.equal(sanitizeDescription('R&amp;D &lt;3 &nbsp; salary < 50k'), 'R&amp;D &lt;3 &nbsp; salary &lt; 50k');
  });

  it('drops everything after an unclosed script, as a browser would', () => {
    assert.equal(sanitizeDescription('<p>ok</p><script>steal()'), '<p>ok</p>');
  });

  it('leaves only allowed, attribute-free tags for any input, and is idempotent', () => {
    fc.assert(
      fc.property(hostileText, (html) => {
        const clean = sanitizeDescription(html);
        for (const [tag] of clean.matchAll(/<[^>]*>?/g)) assert.match(tag, /^<\/?(b|strong|u|i|p|ul|li)>$|^<br>$/);
        assert.equal(sanitizeDescription(clean), clean);
      }),
      { numRuns: 500 }
    );
  });

  it('handles a long run of unclosed tags quickly', () => {
    const started = Date.now();
    sanitizeDescription('<a '.repeat(20000) + '<a "'.repeat(5000));
    assert.ok(Date.now() - started < 1000);
  });
});

import type { FaqTopicId } from '../../src/domain/faq';

/**
 * How people ask each FAQ question: the seed's own question first (translated for English), then paraphrases
 * (the last ones of each list were written after the weights were first tuned, to keep the matcher honest).
 * Shared by the matcher's unit tests and the conversation tests.
 */
export const FAQ_QUESTIONS: Record<FaqTopicId, { en: string[]; nb: string[] }> = {
  features: {
    en: [
      'What LinkedIn features do I get?',
      'which LinkedIn features are included in this bot',
      'what can you do with LinkedIn?',
      'what does this bot do with linkedin',
      'what LinkedIn stuff is included?'
    ],
    nb: ['Hvilke LinkedIn-funksjoner får jeg?', 'hva kan boten gjøre med LinkedIn?', 'hvilke funksjoner har LinkedIn-integrasjonen', 'hva kan jeg bruke LinkedIn-boten til?']
  },
  prerequisites: {
    en: [
      'What do I need before I can post jobs to LinkedIn?',
      'what must be in place before posting jobs',
      'prerequisites for posting to LinkedIn',
      'what has to be set up before we can post to LinkedIn?',
      'am I ready to post jobs on linkedin?'
    ],
    nb: [
      'Hva trenger jeg før jeg kan legge inn jobber på LinkedIn?',
      'hva må være på plass før vi kan poste jobber',
      'hvilke krav er det for å poste på LinkedIn?',
      'hva må til før vi kan poste på LinkedIn?'
    ]
  },
  how_to_post: {
    en: ['How do I post jobs to LinkedIn?', 'how can I publish a job on LinkedIn', 'how to post a vacancy to linkedin?', 'how do I get my job on linkedin', 'how do I add a job to LinkedIn?'],
    nb: [
      'Hvordan posterer jeg jobber til LinkedIn?',
      'hvordan legger jeg ut en jobb på LinkedIn?',
      'hvordan publiserer vi stillinger på linkedin',
      'hvordan får jeg jobben ut på LinkedIn?',
      'hvordan poster man en stilling på LinkedIn'
    ]
  },
  candidates: {
    en: [
      'Can I get candidate information from LinkedIn into Teams?',
      'how do I receive candidates from LinkedIn?',
      'can I see LinkedIn candidates in the bot',
      'will I be told about new candidates from linkedin?',
      'how do I send a candidate from LinkedIn Recruiter to Teams?'
    ],
    nb: ['Kan jeg hente kandidatinformasjon fra LinkedIn?', 'får jeg kandidater fra LinkedIn inn i Teams?', 'kan vi se kandidatene fra linkedin her', 'hvordan får jeg kandidater fra LinkedIn']
  },
  get_help: {
    en: [
      'How can I get help accessing LinkedIn?',
      "I can't sign in to LinkedIn, who do I contact?",
      'where do I find support for LinkedIn problems',
      'who can help me with linkedin?',
      'LinkedIn login problems'
    ],
    nb: [
      'Hvordan kan jeg få hjelp med å få tilgang til LinkedIn?',
      'jeg har problemer med å logge på LinkedIn',
      'hvor får jeg støtte for linkedin?',
      'hvem kan hjelpe meg med LinkedIn?',
      'jeg kommer ikke inn på LinkedIn'
    ]
  },
  admin_setup: {
    en: [
      'How do I configure it so that recruiters and hiring managers can post jobs to LinkedIn?',
      'how do admins set up the LinkedIn integration?',
      'configuration of the linkedin bot',
      'where do I set the LinkedIn company ID?',
      'how do I make someone a recruiter in the bot?'
    ],
    nb: [
      'Hvordan konfigurerer jeg slik at rekrutterere og ansettelsesledere kan postere jobber på LinkedIn?',
      'hvordan setter administrator opp LinkedIn-integrasjonen?',
      'oppsett av linkedin for admin',
      'hvor legger jeg inn firma-ID for LinkedIn?'
    ]
  },
  export_candidates: {
    en: ['Can I export candidate information from LinkedIn?', 'how does exporting a candidate from LinkedIn Recruiter work', 'one-click export of profiles', 'export from recruiter'],
    nb: ['Kan jeg eksportere kandidatinformasjon fra LinkedIn?', 'hvordan eksporterer jeg kandidater fra LinkedIn Recruiter?', 'eksport av kandidatprofiler', 'eksportere fra LinkedIn Recruiter']
  },
  premium_slots: {
    en: [
      'How can I post jobs to premium job slots on LinkedIn?',
      'how do I post to premium job slots?',
      'can I promote my job on LinkedIn?',
      'is job wrapping supported?',
      'can I sponsor a job on LinkedIn?'
    ],
    nb: ['Hvordan kan jeg postere jobber til premium jobbplasser på LinkedIn?', 'kan jeg fremme jobben på LinkedIn?', 'hvordan bruker vi jobbpakking', 'kan vi bruke premium plasser?']
  },
  post_types: {
    en: [
      'What types of LinkedIn job posts are there?',
      "what's the difference between a limited listing and a premium job slot?",
      'which kinds of job postings does LinkedIn have',
      'what is a limited listing?',
      'what is the difference between basic and premium jobs'
    ],
    nb: [
      'Hvilke typer LinkedIn-jobbutlysinger finnes?',
      'hva er forskjellen på begrenset oppføring og premium jobbplass?',
      'hvilke slags stillingsannonser har LinkedIn',
      'hva er en begrenset oppføring?'
    ]
  },
  batch_frequency: {
    en: [
      'How often does LinkedIn process the jobs?',
      'why does it take 48 hours before jobs show up on LinkedIn?',
      'how frequently does LinkedIn read the feed',
      'how long does it take before my job appears on LinkedIn?',
      'when will my job show up on linkedin',
      'how fast does linkedin pick up jobs'
    ],
    nb: ['hvor ofte behandler LinkedIn jobbene?', 'hvor lang tid tar det før jobbene vises på LinkedIn?', 'hvor ofte henter LinkedIn feeden', 'når vises jobben på LinkedIn?']
  },
  options_table: {
    en: ['What are the options for posting jobs to LinkedIn?', 'compare job wrapping and Recruiter System Connect', 'show me the table of job posting options', 'feed vs job wrapping vs api'],
    nb: [
      'Hvilke alternativer finnes for jobbpostering til LinkedIn?',
      'sammenlign måtene å poste jobber på LinkedIn',
      'tabell over alternativer for LinkedIn',
      'hvilke muligheter har vi for å publisere på LinkedIn?'
    ]
  },
  rsc_licence: {
    en: [
      'Do I need a Recruiter System Connect licence to post jobs?',
      'is an RSC license required?',
      'do we need a LinkedIn licence to post jobs with the bot',
      'do we have to buy RSC?',
      'do I need a Recruiter System Connect license?'
    ],
    nb: ['Trenger jeg en Recruiter System Connect-lisens for å postere jobber?', 'må vi ha RSC-lisens?', 'kreves det lisens for å poste jobber på LinkedIn', 'trenger vi lisens for RSC?']
  }
};

/** Messages that must not get an answer from the FAQ (they fall back). */
export const UNRELATED = [
  "what's the weather in Oslo tomorrow?",
  'tell me a joke',
  'how often do you eat lunch?',
  'hvordan har du det?',
  'can I export my Excel sheet?',
  'premium pizza please',
  'do I need a licence to fish?',
  'takk for hjelpen',
  'hello',
  'how do I get to the office?',
  'when is lunch?',
  'who can help me move my desk?',
  'hvor ofte går bussen?',
  'what are my options for dinner'
];

/**
 * Sentences of the LinkedIn answers: the FAQ (`help linkedin`) and `why isn't job <id> on LinkedIn?`.
 * The answers retell LinkedIn's integration FAQ for this bot (Teams commands instead of an ATS's screens). Sources:
 * LinkedIn XML feeds guide https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide,
 * Job Wrapping https://www.linkedin.com/help/recruiter/answer/79037, Limited Listings vs premium slots
 * https://www.linkedin.com/help/recruiter/answer/79049, Recruiter System Connect
 * https://learn.microsoft.com/linkedin/talent/recruiter-system-connect.
 */

const FEED_GUIDE = 'https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide';
const JOB_WRAPPING = 'https://www.linkedin.com/help/recruiter/answer/79037';
const LISTINGS_VS_SLOTS = 'https://www.linkedin.com/help/recruiter/answer/79049';
const RSC = 'https://learn.microsoft.com/linkedin/talent/recruiter-system-connect';
const LINKEDIN_HELP = 'https://www.linkedin.com/help';

export const en = {
  'help.linkedin': "help linkedin: answers to common questions about posting to LinkedIn.",
  'help.whyNot': "why isn't job <id> on LinkedIn?: I check the job and your settings and tell you what keeps it off LinkedIn.",
  'help.faqButton': 'LinkedIn questions',

  'faq.list.title': 'LinkedIn questions',
  'faq.list.intro': 'Pick a question, or just ask me in your own words.',
  'faq.list.everyone': 'For recruiters and hiring managers',
  'faq.list.admins': 'For admins',
  'faq.list.whyNot': "A job doesn't show on LinkedIn? Ask me: why isn't job <id> on LinkedIn?",
  'faq.suggest.title': 'Did you mean one of these?',
  'faq.suggest.intro': "I'm not sure which question you are asking. Pick one, or type help linkedin to see them all.",
  'faq.answer.related': 'Related questions',
  'faq.answer.all': 'All LinkedIn questions',

  'faq.features.q': 'What can I do with LinkedIn here?',
  'faq.features.a':
    'This bot connects your Teams with LinkedIn in three ways:\n\n' +
    "- **Post jobs to LinkedIn** as free Limited Listings: type post job to LinkedIn, fill in the form, and the job goes into your organization's daily job feed, which LinkedIn reads.\n" +
    '- **Follow your jobs**: my jobs shows where each job stands, and why isn\'t job <id> on LinkedIn? explains what keeps one off LinkedIn.\n' +
    '- **Get candidates from LinkedIn Recruiter**: when a recruiter exports a candidate with one click in LinkedIn Recruiter, the bot tells you in Teams.\n\n' +
    'Admins set all of this up on the settings card.',
  'faq.prerequisites.q': 'What do I need before I can post jobs?',
  'faq.prerequisites.a':
    "Only that an admin has set up the LinkedIn integration once (type settings; admins only). LinkedIn needs your company's LinkedIn company ID, the company name as it appears on your LinkedIn Page, and a job poster email, and posting must be switched on.\n\n" +
    "After that you're ready: type post job to LinkedIn. If your organization asks for approval, a recruiter approves jobs from hiring managers before they go to LinkedIn.",
  'faq.how_to_post.q': 'How do I post a job to LinkedIn?',
  'faq.how_to_post.a':
    '1. Type post job to LinkedIn.\n' +
    '2. Fill in the form: title, company, city and country, workplace and employment type, a description of at least 100 characters and the https address where candidates apply.\n' +
    '3. Press Post job.\n\n' +
    "The job is queued and goes into the next daily feed. LinkedIn reads the feed about once a day, so the job can take up to 48 hours to appear. Type my jobs to follow it, edit job <id> to change it and close job <id> to take it down. Once LinkedIn has the job, its title can't change.",
  'faq.candidates.q': 'Can I get candidates from LinkedIn into Teams?',
  'faq.candidates.a':
    'Yes. When a recruiter finds a good candidate in LinkedIn Recruiter and exports them with one click, LinkedIn tells this bot, and the bot lets you know in Teams with what the candidate shared (name, email, phone). Exporting the same person again does not create a second candidate.\n\n' +
    'This needs LinkedIn Recruiter and an admin who has connected Recruiter System Connect on the settings card.',
  'faq.get_help.q': 'Where do I get help?',
  'faq.get_help.a':
    '- **With this bot**: type help for the commands, help linkedin for these answers, and why isn\'t job <id> on LinkedIn? when a job is missing. If a message shows an error code, give it to your admins: type settings to see who they are.\n' +
    `- **With LinkedIn itself** (signing in, your LinkedIn account, LinkedIn Recruiter): see [LinkedIn Help](${LINKEDIN_HELP}).`,
  'faq.admin_setup.q': 'How do admins set up LinkedIn posting?',
  'faq.admin_setup.a':
    'Admins type settings to open the settings card. There you set:\n\n' +
    '- the company name exactly as on your LinkedIn Page, and the **LinkedIn company ID**: the number in your Page\'s admin address (linkedin.com/company/<number>/admin);\n' +
    '- the publisher name and address, and the default job poster email;\n' +
    '- when the daily feed is built (time and time zone), and whether posting to LinkedIn is on;\n' +
    '- who are admins and recruiters, and whether hiring managers post directly or need a recruiter\'s approval;\n' +
    '- Recruiter System Connect (for candidate export), Apply with LinkedIn and the channel for candidate notices.\n\n' +
    'The first admins come from the deployment; after that, admins add each other on the card.',
  'faq.export_candidates.q': 'Can we export candidates from LinkedIn Recruiter?',
  'faq.export_candidates.a':
    "Yes, once an admin has connected LinkedIn Recruiter through Recruiter System Connect (RSC). On the settings card the admin enters the LinkedIn client id, client secret and organization id and saves, which gives your organization its own callback address; then presses **Test connection** and **Connect to LinkedIn**, which registers that address with LinkedIn. LinkedIn then moves the connection through its steps (Requested, Partner ready) to Enabled.\n\n" +
    'From then on, each one-click export in LinkedIn Recruiter arrives in Teams. LinkedIn allows about 300 exports per Recruiter seat per month.',
  'faq.premium_slots.q': 'How do I post to premium job slots?',
  'faq.premium_slots.a':
    'Not from Teams: this bot posts free Limited Listings. Premium job slots are bought from LinkedIn and used through **Job Wrapping**, a contract under which LinkedIn picks up your jobs and you choose in LinkedIn Recruiter which ones take a premium slot. ' +
    'An admin can note on the settings card that your organization uses Job Wrapping, but the slots themselves are managed in LinkedIn Recruiter.\n\n' +
    `If you need LinkedIn to pick up jobs more than once a day, that is LinkedIn's Recruiter System Connect API, not the feed. See [Job Wrapping](${JOB_WRAPPING}).`,
  'faq.post_types.q': 'What kinds of LinkedIn job posts are there?',
  'faq.post_types.a':
    '- **Limited Listing** (also called a basic job): free. It shows in LinkedIn job search and on your company Page, so it reaches people who are looking for a job. It cannot be promoted. This is what the bot posts.\n' +
    '- **Premium job slot**: bought from LinkedIn. It is promoted in the LinkedIn feed, in emails and among "jobs you may be interested in", so it also reaches people who are not searching, and it shows in search too.\n\n' +
    `To promote jobs you need Job Wrapping with LinkedIn. See [Limited Listings vs premium job slots](${LISTINGS_VS_SLOTS}).`,
  'faq.batch_frequency.q': 'How often does LinkedIn pick up our jobs?',
  'faq.batch_frequency.a':
    'The bot builds your job feed once a day, at {buildTime} ({timeZone}). LinkedIn reads the feed about once a day and can take up to 48 hours to show a new job, so allow two days.\n\n' +
    "Closing a job works the same way: it leaves the next feed, and LinkedIn closes it when it next reads the feed. Posting several times a day needs LinkedIn's Recruiter System Connect API instead of the feed.",
  'faq.options_table.q': 'What are the options for posting jobs to LinkedIn?',
  'faq.options_table.a': 'There are three ways to get jobs onto LinkedIn. This bot uses the first.',
  'faq.rsc_licence.q': 'Do we need a Recruiter System Connect licence?',
  'faq.rsc_licence.a':
    'No. Posting jobs with this bot needs no Recruiter System Connect licence or API agreement: LinkedIn reads the job feed for free.\n\n' +
    'Recruiter System Connect only matters if you want one-click candidate export from LinkedIn Recruiter into Teams (which needs LinkedIn Recruiter), or to sync jobs through the API.',

  'faq.table.col.feed': 'This bot (daily feed)',
  'faq.table.col.wrapping': 'Job Wrapping (LinkedIn Recruiter)',
  'faq.table.col.rsc': 'Recruiter System Connect API',
  'faq.table.how': 'How it works',
  'faq.table.how.feed': 'The bot publishes your open jobs in a feed LinkedIn reads daily.',
  'faq.table.how.wrapping': 'Under a contract, LinkedIn picks up your jobs and you place them in premium slots.',
  'faq.table.how.rsc': "Your recruiting system syncs jobs and candidates through LinkedIn's API.",
  'faq.table.type': 'Kind of post',
  'faq.table.type.feed': 'Limited Listing',
  'faq.table.type.wrapping': 'Premium job slot or Limited Listing',
  'faq.table.type.rsc': 'Limited Listing',
  'faq.table.promote': 'Can it be promoted?',
  'faq.table.promote.feed': 'No',
  'faq.table.promote.wrapping': 'Premium slots: yes. Limited Listings: no',
  'faq.table.promote.rsc': 'No',
  'faq.table.frequency': 'How often LinkedIn picks jobs up',
  'faq.table.frequency.feed': 'Once a day',
  'faq.table.frequency.wrapping': 'Once a day',
  'faq.table.frequency.rsc': 'Several times a day',
  'faq.table.recommended': 'Recommended by LinkedIn',
  'faq.table.recommended.feed': 'No',
  'faq.table.recommended.wrapping': 'Yes',
  'faq.table.recommended.rsc': 'No',
  'faq.table.needs': 'What you need',
  'faq.table.needs.feed': 'This bot, set up by an admin',
  'faq.table.needs.wrapping': 'A Job Wrapping contract and bought premium slots',
  'faq.table.needs.rsc': 'An API agreement with LinkedIn',
  'faq.table.more': 'Read more',
  'faq.table.more.feed': `[XML feeds guide](${FEED_GUIDE})`,
  'faq.table.more.wrapping': `[Job Wrapping](${JOB_WRAPPING})`,
  'faq.table.more.rsc': `[Recruiter System Connect](${RSC})`,

  'diag.usage': "Tell me which job: why isn't job <id> on LinkedIn?, for example why isn't job {example} on LinkedIn?",
  'diag.title': 'Why isn\'t job {id} on LinkedIn?',
  'diag.found': 'What I found:',
  'diag.todo': 'What to do: {todo}',
  'diag.nothing': 'Nothing wrong found. LinkedIn can take up to 48 hours to show a job after reading the feed.',
  'diag.footer': 'LinkedIn also drops a job that duplicates one already on LinkedIn, for example one posted there by hand. Only LinkedIn can see that.',
  'diag.open': 'Open job',
  'diag.recheck': 'Check again',
  'diag.never': 'never',
  'diag.closed.title': 'The job is closed.',
  'diag.closed.todo': 'Closed jobs leave the feed, and LinkedIn closes them when it next reads it. If the position is open again, post it as a new job.',
  'diag.draft.title': 'The job is a draft and was never submitted.',
  'diag.draft.todo': 'Open it and post it.',
  'diag.awaiting_approval.title': "The job is waiting for a recruiter's approval.",
  'diag.awaiting_approval.todo': 'It goes into the feed once a recruiter approves it. Ask a recruiter to look at the approval card.',
  'diag.posting_off.title': 'LinkedIn posting is switched off for your organization.',
  'diag.posting_off.todo': 'While it is off the feed is empty, so LinkedIn shows none of your jobs. An admin can switch it on in settings.',
  'diag.company_id_missing.title': 'Your LinkedIn company ID is not set.',
  'diag.company_id_missing.todo':
    "LinkedIn drops jobs without it. An admin sets it in settings: it is the number in your LinkedIn Page's admin address (linkedin.com/company/<number>/admin).",
  'diag.company_id_not_numeric.title': 'The LinkedIn company ID "{companyId}" is not a number.',
  'diag.company_id_not_numeric.todo':
    "LinkedIn needs the numeric ID, not the Page's name. An admin fixes it in settings with the number from the Page's admin address (linkedin.com/company/<number>/admin).",
  'diag.location_incomplete.title': 'The job has no complete location.',
  'diag.location_incomplete.todo': 'LinkedIn drops jobs without a city and a country (and a state in the US). Add them: edit job {id}.',
  'diag.held_back.title': 'The feed leaves this job out: {reasons}.',
  'diag.held_back.todo': 'Fix this (edit job {id}, or ask an admin for settings). The job then goes into the next build, {next}.',
  'diag.fixed_since_build.title': 'The last feed build left this job out ({reasons}), but it looks fine now.',
  'diag.fixed_since_build.todo': 'Nothing: it goes into the next build, {next}. LinkedIn reads the feed about once a day after that.',
  'diag.not_yet_built.title': 'The job is queued and not yet in a feed.',
  'diag.not_yet_built.todo': 'Nothing: the next feed build is {next}. LinkedIn reads the feed about once a day and can take up to 48 hours to show the job.',
  'diag.not_yet_downloaded.title': 'The job has been in the feed since {builtAt}, but LinkedIn has not read the feed since (last read: {lastRead}).',
  'diag.not_yet_downloaded.todo':
    'LinkedIn reads the feed about once a day, so wait a day. If LinkedIn has not read it for more than two days, an admin should check the feed address LinkedIn was given.',
  'diag.downloaded_recently.title': 'LinkedIn read the feed with this job on {at}, less than 48 hours ago.',
  'diag.downloaded_recently.todo': 'Nothing: LinkedIn can take up to 48 hours to show a job after reading it. Expect it by {until}.',
  'diag.possible_duplicate.title': 'Possible duplicate: {ids} has the same title and location.',
  'diag.possible_duplicate.todo': 'LinkedIn drops jobs that duplicate another one. Close the one you do not need (close job <id>), or make the titles differ.',
  'diag.hold.company_id_missing': 'the LinkedIn company ID is not set',
  'diag.hold.company_id_not_numeric': 'the LinkedIn company ID is not a number',
  'diag.hold.poster_email_missing': 'no job poster email is set (an admin sets it in settings)',
  'diag.hold.poster_email_invalid': 'the job poster email is not valid (an admin fixes it in settings)',
  'diag.hold.partner_job_id_missing': 'the job has no id',
  'diag.hold.partner_job_id_too_long': 'the job id is longer than LinkedIn allows',
  'diag.hold.company_missing': 'the company name is missing',
  'diag.hold.company_confidential': 'LinkedIn does not accept "Confidential" as the company name',
  'diag.hold.title_missing': 'the title is missing',
  'diag.hold.title_too_long': 'the title is longer than 200 characters',
  'diag.hold.description_too_short': 'the description is shorter than 100 characters',
  'diag.hold.description_too_long': 'the description is longer than 25,000 characters',
  'diag.hold.apply_url_not_https': 'the apply address is not a full https:// address',
  'diag.hold.location_incomplete': 'the location lacks a city or a country',
  'diag.hold.job_functions_too_many': 'it has more than 3 job functions',
  'diag.hold.expired': 'its expiration date has passed'
} as const;

export const nb: Record<keyof typeof en, string> = {
  'help.linkedin': 'hjelp linkedin: svar på vanlige spørsmål om å poste på LinkedIn.',
  'help.whyNot': 'hvorfor er ikke jobb <id> på LinkedIn?: jeg sjekker jobben og innstillingene og sier hva som holder den borte fra LinkedIn.',
  'help.faqButton': 'Spørsmål om LinkedIn',

  'faq.list.title': 'Spørsmål om LinkedIn',
  'faq.list.intro': 'Velg et spørsmål, eller spør meg med dine egne ord.',
  'faq.list.everyone': 'For rekrutterere og ansettelsesledere',
  'faq.list.admins': 'For administratorer',
  'faq.list.whyNot': 'Vises ikke en jobb på LinkedIn? Spør meg: hvorfor er ikke jobb <id> på LinkedIn?',
  'faq.suggest.title': 'Mente du et av disse?',
  'faq.suggest.intro': 'Jeg er ikke sikker på hvilket spørsmål du stiller. Velg ett, eller skriv hjelp linkedin for å se alle.',
  'faq.answer.related': 'Relaterte spørsmål',
  'faq.answer.all': 'Alle spørsmål om LinkedIn',

  'faq.features.q': 'Hva kan jeg gjøre med LinkedIn her?',
  'faq.features.a':
    'Denne boten kobler Teams til LinkedIn på tre måter:\n\n' +
    '- **Poster jobber på LinkedIn** som gratis begrensede oppføringer: skriv poster jobb på LinkedIn, fyll ut skjemaet, og jobben legges i organisasjonens daglige jobbfeed, som LinkedIn leser.\n' +
    '- **Følg jobbene dine**: mine jobber viser hvor hver jobb står, og hvorfor er ikke jobb <id> på LinkedIn? forklarer hva som holder en jobb borte fra LinkedIn.\n' +
    '- **Få kandidater fra LinkedIn Recruiter**: når en rekrutterer eksporterer en kandidat med ett klikk i LinkedIn Recruiter, sier boten fra i Teams.\n\n' +
    'Administratorer setter opp alt dette på innstillingskortet.',
  'faq.prerequisites.q': 'Hva trenger jeg før jeg kan poste jobber?',
  'faq.prerequisites.a':
    'Bare at en administrator har satt opp LinkedIn-integrasjonen én gang (skriv innstillinger; bare for administratorer). LinkedIn trenger firmaets LinkedIn-firma-ID, firmanavnet slik det står på LinkedIn-siden, og en e-postadresse for den som poster jobben, og postering må være slått på.\n\n' +
    'Deretter er du klar: skriv poster jobb på LinkedIn. Hvis organisasjonen krever godkjenning, godkjenner en rekrutterer jobber fra ansettelsesledere før de går til LinkedIn.',
  'faq.how_to_post.q': 'Hvordan poster jeg en jobb på LinkedIn?',
  'faq.how_to_post.a':
    '1. Skriv poster jobb på LinkedIn.\n' +
    '2. Fyll ut skjemaet: tittel, firma, by og land, arbeidssted og ansettelsestype, en beskrivelse på minst 100 tegn og https-adressen der kandidatene søker.\n' +
    '3. Trykk Poster jobb.\n\n' +
    'Jobben settes i kø og legges i neste daglige feed. LinkedIn leser feeden omtrent én gang i døgnet, så det kan ta opptil 48 timer før jobben vises. Skriv mine jobber for å følge den, rediger jobb <id> for å endre den og avslutt jobb <id> for å ta den ned. Når LinkedIn har jobben, kan ikke tittelen endres.',
  'faq.candidates.q': 'Kan jeg få kandidater fra LinkedIn inn i Teams?',
  'faq.candidates.a':
    'Ja. Når en rekrutterer finner en god kandidat i LinkedIn Recruiter og eksporterer vedkommende med ett klikk, varsler LinkedIn denne boten, og boten sier fra i Teams med det kandidaten har delt (navn, e-post, telefon). Eksporteres samme person på nytt, blir det ikke en kandidat til.\n\n' +
    'Dette krever LinkedIn Recruiter og at en administrator har koblet til Recruiter System Connect på innstillingskortet.',
  'faq.get_help.q': 'Hvor får jeg hjelp?',
  'faq.get_help.a':
    '- **Med denne boten**: skriv hjelp for kommandoene, hjelp linkedin for disse svarene og hvorfor er ikke jobb <id> på LinkedIn? når en jobb mangler. Viser en melding en feilkode, gi den til administratorene: skriv innstillinger for å se hvem de er.\n' +
    `- **Med selve LinkedIn** (pålogging, LinkedIn-kontoen, LinkedIn Recruiter): se [LinkedIns hjelpesider](${LINKEDIN_HELP}).`,
  'faq.admin_setup.q': 'Hvordan setter administratorer opp postering på LinkedIn?',
  'faq.admin_setup.a':
    'Administratorer skriver innstillinger for å åpne innstillingskortet. Der angir de:\n\n' +
    '- firmanavnet nøyaktig slik det står på LinkedIn-siden, og **LinkedIn-firma-ID-en**: tallet i admin-adressen til siden (linkedin.com/company/<tall>/admin);\n' +
    '- utgivernavn og -adresse, og standard e-post for den som poster jobben;\n' +
    '- når den daglige feeden bygges (klokkeslett og tidssone), og om postering på LinkedIn er slått på;\n' +
    '- hvem som er administratorer og rekrutterere, og om ansettelsesledere poster direkte eller trenger godkjenning fra en rekrutterer;\n' +
    '- Recruiter System Connect (for kandidateksport), Søk med LinkedIn og kanalen for kandidatvarsler.\n\n' +
    'De første administratorene kommer fra installasjonen; deretter legger administratorene til hverandre på kortet.',
  'faq.export_candidates.q': 'Kan vi eksportere kandidater fra LinkedIn Recruiter?',
  'faq.export_candidates.a':
    'Ja, når en administrator har koblet til LinkedIn Recruiter gjennom Recruiter System Connect (RSC). På innstillingskortet legger administratoren inn LinkedIns klient-ID, klienthemmelighet og organisasjons-ID og lagrer, så får organisasjonen sin egen callback-adresse; deretter trykker administratoren **Test tilkoblingen** og **Koble til LinkedIn**, som registrerer adressen hos LinkedIn. LinkedIn fører så tilkoblingen gjennom stegene sine (Forespurt, Partner klar) til Aktivert.\n\n' +
    'Fra da av kommer hver eksport med ett klikk i LinkedIn Recruiter fram i Teams. LinkedIn tillater omtrent 300 eksporter per Recruiter-lisens per måned.',
  'faq.premium_slots.q': 'Hvordan poster jeg til premium jobbplasser?',
  'faq.premium_slots.a':
    'Ikke fra Teams: denne boten poster gratis begrensede oppføringer. Premium jobbplasser kjøpes av LinkedIn og brukes gjennom **jobbpakking** (Job Wrapping), en avtale der LinkedIn henter jobbene deres og dere velger i LinkedIn Recruiter hvilke som får en premium plass. ' +
    'En administrator kan merke på innstillingskortet at organisasjonen bruker jobbpakking, men selve plassene styres i LinkedIn Recruiter.\n\n' +
    `Trenger dere at LinkedIn henter jobber oftere enn én gang i døgnet, er det LinkedIns Recruiter System Connect-API som gjelder, ikke feeden. Se [Job Wrapping](${JOB_WRAPPING}).`,
  'faq.post_types.q': 'Hvilke typer jobbannonser har LinkedIn?',
  'faq.post_types.a':
    '- **Begrenset oppføring** (Limited Listing, også kalt basic job): gratis. Den vises i LinkedIns jobbsøk og på firmasiden, så den når folk som leter etter jobb. Den kan ikke fremmes. Det er denne typen boten poster.\n' +
    '- **Premium jobbplass**: kjøpes av LinkedIn. Den fremmes i LinkedIn-feeden, i e-poster og blant «jobber du kan være interessert i», så den når også folk som ikke leter, og den vises i søk også.\n\n' +
    `For å fremme jobber trenger dere jobbpakking med LinkedIn. Se [begrensede oppføringer og premium jobbplasser](${LISTINGS_VS_SLOTS}).`,
  'faq.batch_frequency.q': 'Hvor ofte henter LinkedIn jobbene våre?',
  'faq.batch_frequency.a':
    'Boten bygger jobbfeeden én gang i døgnet, kl. {buildTime} ({timeZone}). LinkedIn leser feeden omtrent én gang i døgnet og kan bruke opptil 48 timer på å vise en ny jobb, så regn med to dager.\n\n' +
    'Det samme gjelder når en jobb avsluttes: den forsvinner fra neste feed, og LinkedIn avslutter den neste gang feeden leses. Postering flere ganger om dagen krever LinkedIns Recruiter System Connect-API i stedet for feeden.',
  'faq.options_table.q': 'Hvilke måter finnes for å poste jobber på LinkedIn?',
  'faq.options_table.a': 'Det finnes tre måter å få jobber inn på LinkedIn. Denne boten bruker den første.',
  'faq.rsc_licence.q': 'Trenger vi en Recruiter System Connect-lisens?',
  'faq.rsc_licence.a':
    'Nei. Å poste jobber med denne boten krever verken Recruiter System Connect-lisens eller API-avtale: LinkedIn leser jobbfeeden gratis.\n\n' +
    'Recruiter System Connect trengs bare hvis dere vil eksportere kandidater med ett klikk fra LinkedIn Recruiter til Teams (som krever LinkedIn Recruiter), eller synkronisere jobber gjennom API-et.',

  'faq.table.col.feed': 'Denne boten (daglig feed)',
  'faq.table.col.wrapping': 'Jobbpakking (LinkedIn Recruiter)',
  'faq.table.col.rsc': 'Recruiter System Connect-API',
  'faq.table.how': 'Slik virker det',
  'faq.table.how.feed': 'Boten publiserer de åpne jobbene i en feed som LinkedIn leser daglig.',
  'faq.table.how.wrapping': 'Etter avtale henter LinkedIn jobbene, og dere legger dem i premium plasser.',
  'faq.table.how.rsc': 'Rekrutteringssystemet synkroniserer jobber og kandidater gjennom LinkedIns API.',
  'faq.table.type': 'Type annonse',
  'faq.table.type.feed': 'Begrenset oppføring',
  'faq.table.type.wrapping': 'Premium jobbplass eller begrenset oppføring',
  'faq.table.type.rsc': 'Begrenset oppføring',
  'faq.table.promote': 'Kan den fremmes?',
  'faq.table.promote.feed': 'Nei',
  'faq.table.promote.wrapping': 'Premium plasser: ja. Begrensede oppføringer: nei',
  'faq.table.promote.rsc': 'Nei',
  'faq.table.frequency': 'Hvor ofte LinkedIn henter jobbene',
  'faq.table.frequency.feed': 'Én gang i døgnet',
  'faq.table.frequency.wrapping': 'Én gang i døgnet',
  'faq.table.frequency.rsc': 'Flere ganger om dagen',
  'faq.table.recommended': 'Anbefalt av LinkedIn',
  'faq.table.recommended.feed': 'Nei',
  'faq.table.recommended.wrapping': 'Ja',
  'faq.table.recommended.rsc': 'Nei',
  'faq.table.needs': 'Hva dere trenger',
  'faq.table.needs.feed': 'Denne boten, satt opp av en administrator',
  'faq.table.needs.wrapping': 'En avtale om jobbpakking og kjøpte premium plasser',
  'faq.table.needs.rsc': 'En API-avtale med LinkedIn',
  'faq.table.more': 'Les mer',
  'faq.table.more.feed': `[Veiledning for XML-feeder](${FEED_GUIDE})`,
  'faq.table.more.wrapping': `[Job Wrapping](${JOB_WRAPPING})`,
  'faq.table.more.rsc': `[Recruiter System Connect](${RSC})`,

  'diag.usage': 'Si hvilken jobb: hvorfor er ikke jobb <id> på LinkedIn?, for eksempel hvorfor er ikke jobb {example} på LinkedIn?',
  'diag.title': 'Hvorfor er ikke jobb {id} på LinkedIn?',
  'diag.found': 'Dette fant jeg:',
  'diag.todo': 'Gjør dette: {todo}',
  'diag.nothing': 'Jeg fant ingenting galt. LinkedIn kan bruke opptil 48 timer på å vise en jobb etter at feeden er lest.',
  'diag.footer': 'LinkedIn forkaster også en jobb som er en kopi av en som allerede ligger på LinkedIn, for eksempel en som er postert der for hånd. Det kan bare LinkedIn se.',
  'diag.open': 'Åpne jobben',
  'diag.recheck': 'Sjekk igjen',
  'diag.never': 'aldri',
  'diag.closed.title': 'Jobben er avsluttet.',
  'diag.closed.todo': 'Avsluttede jobber forsvinner fra feeden, og LinkedIn avslutter dem neste gang feeden leses. Er stillingen ledig igjen, poster du den som en ny jobb.',
  'diag.draft.title': 'Jobben er et utkast og ble aldri sendt inn.',
  'diag.draft.todo': 'Åpne den og poster den.',
  'diag.awaiting_approval.title': 'Jobben venter på godkjenning fra en rekrutterer.',
  'diag.awaiting_approval.todo': 'Den legges i feeden når en rekrutterer godkjenner den. Be en rekrutterer se på godkjenningskortet.',
  'diag.posting_off.title': 'Postering på LinkedIn er slått av for organisasjonen.',
  'diag.posting_off.todo': 'Mens den er av, er feeden tom, så LinkedIn viser ingen av jobbene deres. En administrator kan slå den på i innstillinger.',
  'diag.company_id_missing.title': 'LinkedIn-firma-ID-en er ikke satt.',
  'diag.company_id_missing.todo':
    'LinkedIn forkaster jobber uten den. En administrator setter den i innstillinger: det er tallet i admin-adressen til LinkedIn-siden (linkedin.com/company/<tall>/admin).',
  'diag.company_id_not_numeric.title': 'LinkedIn-firma-ID-en «{companyId}» er ikke et tall.',
  'diag.company_id_not_numeric.todo':
    'LinkedIn trenger den numeriske ID-en, ikke navnet på siden. En administrator retter den i innstillinger med tallet fra admin-adressen til siden (linkedin.com/company/<tall>/admin).',
  'diag.location_incomplete.title': 'Jobben mangler et fullstendig sted.',
  'diag.location_incomplete.todo': 'LinkedIn forkaster jobber uten by og land (og delstat i USA). Legg dem til: rediger jobb {id}.',
  'diag.held_back.title': 'Feeden holder jobben utenfor: {reasons}.',
  'diag.held_back.todo': 'Rett dette (rediger jobb {id}, eller be en administrator om innstillingene). Da legges jobben i neste bygging, {next}.',
  'diag.fixed_since_build.title': 'Forrige feedbygging holdt jobben utenfor ({reasons}), men nå ser den fin ut.',
  'diag.fixed_since_build.todo': 'Ingenting: den legges i neste bygging, {next}. LinkedIn leser feeden omtrent én gang i døgnet etter det.',
  'diag.not_yet_built.title': 'Jobben står i kø og er ikke i noen feed ennå.',
  'diag.not_yet_built.todo': 'Ingenting: neste feedbygging er {next}. LinkedIn leser feeden omtrent én gang i døgnet og kan bruke opptil 48 timer på å vise jobben.',
  'diag.not_yet_downloaded.title': 'Jobben har vært i feeden siden {builtAt}, men LinkedIn har ikke lest feeden siden da (sist lest: {lastRead}).',
  'diag.not_yet_downloaded.todo':
    'LinkedIn leser feeden omtrent én gang i døgnet, så vent en dag. Har LinkedIn ikke lest den på mer enn to dager, bør en administrator sjekke feedadressen LinkedIn har fått.',
  'diag.downloaded_recently.title': 'LinkedIn leste feeden med denne jobben {at}, for under 48 timer siden.',
  'diag.downloaded_recently.todo': 'Ingenting: LinkedIn kan bruke opptil 48 timer på å vise en jobb etter at feeden er lest. Regn med den innen {until}.',
  'diag.possible_duplicate.title': 'Mulig duplikat: {ids} har samme tittel og sted.',
  'diag.possible_duplicate.todo': 'LinkedIn forkaster jobber som er kopier av en annen. Avslutt den dere ikke trenger (avslutt jobb <id>), eller gi dem ulike titler.',
  'diag.hold.company_id_missing': 'LinkedIn-firma-ID-en er ikke satt',
  'diag.hold.company_id_not_numeric': 'LinkedIn-firma-ID-en er ikke et tall',
  'diag.hold.poster_email_missing': 'ingen e-post for den som poster er satt (en administrator setter den i innstillinger)',
  'diag.hold.poster_email_invalid': 'e-posten for den som poster er ugyldig (en administrator retter den i innstillinger)',
  'diag.hold.partner_job_id_missing': 'jobben mangler ID',
  'diag.hold.partner_job_id_too_long': 'jobb-ID-en er lengre enn LinkedIn tillater',
  'diag.hold.company_missing': 'firmanavnet mangler',
  'diag.hold.company_confidential': 'LinkedIn godtar ikke «Confidential» som firmanavn',
  'diag.hold.title_missing': 'tittelen mangler',
  'diag.hold.title_too_long': 'tittelen er lengre enn 200 tegn',
  'diag.hold.description_too_short': 'beskrivelsen er kortere enn 100 tegn',
  'diag.hold.description_too_long': 'beskrivelsen er lengre enn 25 000 tegn',
  'diag.hold.apply_url_not_https': 'søknadsadressen er ikke en fullstendig https://-adresse',
  'diag.hold.location_incomplete': 'stedet mangler by eller land',
  'diag.hold.job_functions_too_many': 'den har mer enn 3 jobbfunksjoner',
  'diag.hold.expired': 'utløpsdatoen er passert'
};

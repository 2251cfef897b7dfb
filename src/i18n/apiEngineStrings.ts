/**
 * What the Job Posting API engine tells a job's author: the job is on LinkedIn, LinkedIn did not accept it (the field it
 * named, in words), LinkedIn closed it. Field names follow LinkedIn's error paths ("Invalid Field: /city").
 */
export const en = {
  'notice.api.live': 'Your job "{title}" is on LinkedIn: {url}',
  'notice.api.liveNoLink': 'Your job "{title}" is on LinkedIn.',
  'notice.api.rejectedField': 'LinkedIn did not accept {field} of your job "{title}". Fix it and post the job again.',
  'notice.api.rejectedText': 'LinkedIn did not accept your job "{title}": {reason}. Fix it and post the job again.',
  'notice.api.closedByLinkedIn': 'LinkedIn closed your job "{title}".',
  'notice.api.closedReason': 'LinkedIn closed your job "{title}": {reason}',
  'api.field.city': 'the city',
  'api.field.postalCode': 'the postal code',
  'api.field.state': 'the state or region',
  'api.field.geoLocation': 'the location',
  'api.field.location': 'the location',
  'api.field.country': 'the country',
  'api.field.title': 'the title',
  'api.field.description': 'the description',
  'api.field.companyApplyUrl': 'the apply URL',
  'api.field.employmentStatus': 'the employment type',
  'api.field.experienceLevel': 'the experience level',
  'api.field.categories': 'the job functions',
  'api.field.industries': 'the industries',
  'api.field.workplaceTypes': 'the workplace type',
  'api.field.listedAt': 'the listing date',
  'api.field.expireAt': 'the expiration date',
  'api.field.contract': 'the LinkedIn contract (promotion)',
  'api.field.integrationContext': 'the LinkedIn organization id in settings',
  'api.field.other': 'the field "{field}"'
};

export const nb: Record<keyof typeof en, string> = {
  'notice.api.live': 'Jobben din «{title}» er på LinkedIn: {url}',
  'notice.api.liveNoLink': 'Jobben din «{title}» er på LinkedIn.',
  'notice.api.rejectedField': 'LinkedIn godtok ikke {field} i jobben din «{title}». Rett det og post jobben på nytt.',
  'notice.api.rejectedText': 'LinkedIn godtok ikke jobben din «{title}»: {reason}. Rett det og post jobben på nytt.',
  'notice.api.closedByLinkedIn': 'LinkedIn avsluttet jobben din «{title}».',
  'notice.api.closedReason': 'LinkedIn avsluttet jobben din «{title}»: {reason}',
  'api.field.city': 'byen',
  'api.field.postalCode': 'postnummeret',
  'api.field.state': 'delstaten eller regionen',
  'api.field.geoLocation': 'stedet',
  'api.field.location': 'stedet',
  'api.field.country': 'landet',
  'api.field.title': 'tittelen',
  'api.field.description': 'beskrivelsen',
  'api.field.companyApplyUrl': 'søknadsadressen',
  'api.field.employmentStatus': 'ansettelsesformen',
  'api.field.experienceLevel': 'erfaringsnivået',
  'api.field.categories': 'jobbfunksjonene',
  'api.field.industries': 'bransjene',
  'api.field.workplaceTypes': 'arbeidsstedstypen',
  'api.field.listedAt': 'publiseringsdatoen',
  'api.field.expireAt': 'utløpsdatoen',
  'api.field.contract': 'LinkedIn-kontrakten (promotering)',
  'api.field.integrationContext': 'LinkedIn-organisasjons-ID-en i innstillingene',
  'api.field.other': 'feltet «{field}»'
};

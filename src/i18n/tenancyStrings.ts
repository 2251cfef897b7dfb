/** Sentences about which tenants the bot serves, the feed URL's rotation and unreadable secrets. */
export const en = {
  'tenant.notAllowed': "Sorry, this bot is not available to your organization. Ask your IT department if you think it should be; nothing you sent was stored.",
  'settings.rotateFeed': 'New feed URL',
  'settings.feedRotated': 'New feed URL: {url} — give it to LinkedIn now; the old URL stopped working.',
  'settings.feedUrlFromEnvironment': "This organization's feed URL is set by the deployment (LINKEDIN_FEED_TOKEN): change it there to get a new one.",
  'settings.secretUnreadable': 'The stored LinkedIn client secret can no longer be read (the encryption key changed): enter it again.',
  'settings.secretUnreadableNotice':
    'The LinkedIn client secret stored for your organization can no longer be read (the encryption key changed), so LinkedIn exports are not accepted. Type settings and enter the client secret again.'
} as const;

export const nb: Record<keyof typeof en, string> = {
  'tenant.notAllowed': 'Beklager, denne boten er ikke tilgjengelig for organisasjonen din. Spør IT-avdelingen hvis du mener den burde være det; ingenting av det du sendte, ble lagret.',
  'settings.rotateFeed': 'Ny feed-URL',
  'settings.feedRotated': 'Ny feed-URL: {url} — gi den til LinkedIn nå; den gamle URL-en virker ikke lenger.',
  'settings.feedUrlFromEnvironment': 'Feed-URL-en til organisasjonen settes av installasjonen (LINKEDIN_FEED_TOKEN): endre den der for å få en ny.',
  'settings.secretUnreadable': 'Den lagrede LinkedIn-klienthemmeligheten kan ikke lenger leses (krypteringsnøkkelen er endret): skriv den inn igjen.',
  'settings.secretUnreadableNotice':
    'LinkedIn-klienthemmeligheten som er lagret for organisasjonen din, kan ikke lenger leses (krypteringsnøkkelen er endret), så eksporter fra LinkedIn blir ikke tatt imot. Skriv innstillinger og skriv inn klienthemmeligheten igjen.'
};

/**
 * End to end in the Agents Playground: a candidate exported from LinkedIn Recruiter reaches the recruiter (Alex Wilber,
 * the Playground's user, who also wrote the job, so he is its hiring manager too); he presses "Send to hiring manager",
 * the job's author is picked by default, adds a note and sends; the hand-over card arrives in the hiring manager's chat
 * with the note; "Not a fit" with a reason updates that card and the recruiter's candidate card in place.
 * (Two different people in two chats: test/integration/handover.test.ts, with a Bot Connector stub.)
 */
import assert from 'node:assert/strict';
import { CLIENT, ORGANIZATION_ID, PUSH_KEY, documentedPushBody, sign, stubProfileExport } from '../support/exportsRig';
import { botCards, clickCardAction, fillCardInput, sendMessage, waitForCard, waitForText } from '../support/browser';
import { PLAYGROUND_USER_AAD_ID } from '../support/e2eStack';
import { seedPlaygroundJob, seedPlaygroundTenant, usePlaygroundWithLinkedIn } from '../support/playgroundLinkedIn';

describe('e2e: a recruiter hands a candidate to the hiring manager, who answers (Agents Playground, fake LinkedIn)', function () {
  this.timeout(240000);
  const rig = usePlaygroundWithLinkedIn({
    name: 'handover',
    app: { ...CLIENT, organizationId: ORGANIZATION_ID },
    botEnv: () => ({ LINKEDIN_PUSH_KEY: PUSH_KEY, LINKEDIN_ORGANIZATION_ID: ORGANIZATION_ID, EXPORT_POLL_MS: '200' })
  });
  const stack = rig.stack;

  it('Send to hiring manager → the hand-over card with the note → Not a fit with a reason → both cards say so', async () => {
    const jobs = await seedPlaygroundTenant(stack.azurite.connection, {
      admins: [{ aadObjectId: 'aad-e2e-admin', name: 'Ada Admin' }],
      recruiters: [{ aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' }],
      rsc: { status: 'enabled', organizationId: ORGANIZATION_ID }
    }, { aadObjectId: 'aad-e2e-admin', name: 'Ada Admin' });
    const job = await seedPlaygroundJob(jobs, 'Data Platform Engineer', { aadObjectId: PLAYGROUND_USER_AAD_ID, name: 'Alex Wilber' });
    rig.linkedIn.exports.set('li-handover-1', stubProfileExport(7, job.id));

    const page = stack.page;
    await sendMessage(page, 'help');
    await waitForText(page, /export status/);
    const body = documentedPushBody('li-handover-1');
    const pushed = await fetch(`${stack.bot.url}/api/linkedin/push/${PUSH_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-li-signature': sign(body) }, body });
    assert.equal(pushed.status, 200);
    await waitForCard(page, 'Ingrid Stub7', { timeoutMs: 60000 });

    await clickCardAction(page, 'Send to hiring manager');
    await waitForCard(page, 'Send this candidate to a hiring manager');
    await fillCardInput(page, 'Your note (optional)', 'Strong on Kafka, see her last role');
    await clickCardAction(page, 'Send');
    await waitForCard(page, /Sent to Alex Wilber by Alex Wilber/);

    const handover = await waitForCard(page, 'Alex Wilber sent you a candidate for Data Platform Engineer', { timeoutMs: 60000 });
    const handoverText = await handover.innerText();
    for (const expected of ['Ingrid Stub7', 'Strong on Kafka, see her last role', 'Interested', 'Not a fit']) {
      assert.ok(handoverText.includes(expected), `the hand-over card lacks "${expected}":\n${handoverText}`);
    }
    await fillCardInput(page, /^Reason/, 'Needs more Go experience');
    await clickCardAction(page, 'Not a fit');
    const answered = await waitForCard(page, /sent you a candidate[\s\S]*Alex Wilber: not a fit/);
    assert.match(await answered.innerText(), /Reason: Needs more Go experience/);

    // The recruiter's candidate card, updated in place by the outbox.
    const recruiterCard = await waitForCard(page, /Candidate exported from LinkedIn Recruiter[\s\S]*Alex Wilber: not a fit/, { timeoutMs: 60000 });
    assert.match(await recruiterCard.innerText(), /Reason: Needs more Go experience/);
    assert.equal(await botCards(page, 'Send to hiring manager').count(), 0, 'no card still offers to send it again');
  });
});

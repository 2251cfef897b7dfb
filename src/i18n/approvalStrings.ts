/** Sentences of job approvals: the approver's card, the author's result, the refusals. `{name}` marks a parameter. */
export const en = {
  'error.NOT_AWAITING_APPROVAL': 'Job {id} is not waiting for approval.',
  'approval.title': 'Approval needed: {title}',
  'approval.intro': '{name} wants to post this job to LinkedIn. Your organization asks a recruiter to approve jobs from hiring managers first.',
  'approval.reason': 'Reason (required to reject; the hiring manager sees it)',
  'approval.approve': 'Approve',
  'approval.reject': 'Reject',
  'approval.reasonRequired': 'Enter a reason so the hiring manager knows what to change.',
  'approval.approved': 'Approved by {name} on {date}. The job is queued for LinkedIn\'s next daily feed.',
  'approval.rejected': 'Rejected by {name} on {date}: {reason}',
  'approval.alreadyDecided': '{name} decided first.',
  'approval.requested': "Job {id} is waiting for a recruiter's approval. I'll tell you when someone decides.",
  'approval.result.approved': 'Your job {title} ({id}) was approved by {name} and is queued for LinkedIn\'s next daily feed.',
  'approval.result.rejected': 'Your job {title} ({id}) was not approved by {name}: {reason}. Type edit job {id} to change it and submit it again.',
  'approval.location': 'Location'
} as const;

export const nb: Record<keyof typeof en, string> = {
  'error.NOT_AWAITING_APPROVAL': 'Jobb {id} venter ikke på godkjenning.',
  'approval.title': 'Godkjenning trengs: {title}',
  'approval.intro': '{name} vil publisere denne jobben på LinkedIn. Virksomheten deres ber en rekrutterer godkjenne jobber fra ansettende ledere først.',
  'approval.reason': 'Begrunnelse (påkrevd for å avvise; den ansettende lederen ser den)',
  'approval.approve': 'Godkjenn',
  'approval.reject': 'Avvis',
  'approval.reasonRequired': 'Skriv en begrunnelse, så den ansettende lederen vet hva som må endres.',
  'approval.approved': 'Godkjent av {name} {date}. Jobben står i kø til LinkedIns neste daglige feed.',
  'approval.rejected': 'Avvist av {name} {date}: {reason}',
  'approval.alreadyDecided': '{name} bestemte seg først.',
  'approval.requested': 'Jobb {id} venter på godkjenning fra en rekrutterer. Jeg sier fra når noen har bestemt seg.',
  'approval.result.approved': 'Jobben din {title} ({id}) ble godkjent av {name} og står i kø til LinkedIns neste daglige feed.',
  'approval.result.rejected': 'Jobben din {title} ({id}) ble ikke godkjent av {name}: {reason}. Skriv rediger jobb {id} for å endre den og sende den inn igjen.',
  'approval.location': 'Sted'
};

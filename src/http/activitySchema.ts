import { z } from 'zod';

/**
 * The shape of a Bot Framework activity as the bot reads it (the SDK's `Activity`, as Teams and the Agents Playground
 * send it). Only the fields the bot and the SDK rely on are checked; unknown fields pass through untouched. Absent
 * and null optional fields are alike (some channels send nulls).
 */
const text = z.string().nullish();
const account = z.object({ id: z.string().min(1), name: text, aadObjectId: text, role: text }).passthrough();
const idOnly = z.object({ id: z.string().min(1) }).passthrough();

const conversation = z
  .object({
    id: z.string().min(1),
    tenantId: text,
    conversationType: text,
    name: text,
    isGroup: z.boolean().nullish()
  })
  .passthrough();

const serviceUrl = z
  .string({ required_error: 'is required' })
  .url('must be an absolute http(s) URL')
  .refine((url) => /^https?:\/\//i.test(url), 'must be an absolute http(s) URL');

const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date and time')
  .nullish();

const channelData = z
  .object({
    tenant: z.object({ id: z.string() }).passthrough().nullish(),
    team: z.object({ id: text, name: text, aadGroupId: text }).passthrough().nullish(),
    channel: z.object({ id: text, name: text }).passthrough().nullish()
  })
  .passthrough();

const baseActivity = z
  .object({
    type: z.string().min(1),
    id: text,
    name: text,
    channelId: z.string().min(1),
    serviceUrl,
    from: account,
    recipient: account,
    conversation,
    text,
    locale: text,
    localTimezone: text,
    timestamp,
    localTimestamp: timestamp,
    replyToId: text,
    action: text,
    entities: z.array(z.object({ type: z.string() }).passthrough()).nullish(),
    attachments: z.array(z.object({}).passthrough()).nullish(),
    membersAdded: z.array(idOnly).nullish(),
    membersRemoved: z.array(idOnly).nullish(),
    channelData: channelData.nullish()
  })
  .passthrough();

/** Universal Actions (`Action.Execute`): teams-ai updates the card the action came from, so `replyToId` names it. */
const cardAction = z
  .object({
    replyToId: z.string({ required_error: 'is required (the id of the card the action came from)' }).min(1),
    value: z.object({
      action: z.object({ type: z.literal('Action.Execute'), verb: z.string().min(1), data: z.record(z.unknown()).nullish() }).passthrough()
    }).passthrough()
  })
  .passthrough();

/** The invokes the bot answers; anything else would get the SDK adapter's bare 501. */
export interface InvokeRoutes {
  /** Invoke names handled (e.g. `adaptiveCard/action`). */
  names: readonly string[];
  /** `Action.Execute` verbs handled. */
  cardVerbs: readonly string[];
  /** Message extension command ids handled (`composeExtension/query`'s `value.commandId`). */
  extensionCommands?: readonly string[];
}

/** One schema per route table, made at the first activity rather than at every one. */
const schemas = new WeakMap<InvokeRoutes, ReturnType<typeof makeActivitySchema>>();
const anyInvokeSchema = makeActivitySchema(undefined);

function activitySchema(invokes: InvokeRoutes | undefined) {
  if (!invokes) return anyInvokeSchema;
  let schema = schemas.get(invokes);
  if (!schema) {
    schema = makeActivitySchema(invokes);
    schemas.set(invokes, schema);
  }
  return schema;
}

function makeActivitySchema(invokes: InvokeRoutes | undefined) {
  return baseActivity.superRefine((activity, ctx) => {
    if (activity.type !== 'invoke') return;
    if (!activity.name) return void ctx.addIssue({ code: 'custom', path: ['name'], message: 'is required for an invoke' });
    if (invokes && !invokes.names.includes(activity.name)) {
      return void ctx.addIssue({ code: 'custom', path: ['name'], message: `this bot does not handle the invoke ${JSON.stringify(activity.name.slice(0, 100))}` });
    }
    if (activity.name === 'composeExtension/query' && invokes?.extensionCommands) {
      const commandId = (activity.value as { commandId?: unknown } | undefined)?.commandId;
      if (typeof commandId !== 'string' || !invokes.extensionCommands.includes(commandId)) {
        ctx.addIssue({ code: 'custom', path: ['value', 'commandId'], message: `this bot has no message extension command ${JSON.stringify(String(commandId ?? '').slice(0, 100))}` });
      }
      return;
    }
    if (activity.name !== 'adaptiveCard/action') return;
    const parsed = cardAction.safeParse(activity);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue(issue);
      return;
    }
    const verb = parsed.data.value.action.verb;
    if (invokes && !invokes.cardVerbs.includes(verb)) {
      ctx.addIssue({ code: 'custom', path: ['value', 'action', 'verb'], message: `this bot has no card action ${JSON.stringify(verb.slice(0, 100))}` });
    }
  });
}

/**
 * Why `body` is not an activity the bot can handle, in one line naming the field; undefined when it is one. With
 * `invokes`, an invoke or card verb the bot does not handle is refused here too.
 */
export function activityProblem(body: unknown, invokes?: InvokeRoutes): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The body must be a JSON Bot Framework activity.';
  const parsed = activitySchema(invokes).safeParse(body);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const message = issue.message === 'Required' ? 'is required' : issue.message;
  return `${issue.path.join('.') || 'activity'}: ${message}`;
}

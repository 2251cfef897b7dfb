// Zod 4 (shipped inside zod 3.25 as `zod/v4`) for this schema alone: it checks every request, and parses an
// activity in about a third of Zod 3's time. The other schemas check a card submit or the config, rarely.
import { z } from 'zod/v4';

/**
 * The shape of a Bot Framework activity as the bot reads it (the SDK's `Activity`, as Teams and the Agents Playground
 * send it). Only the fields the bot and the SDK rely on are checked; unknown fields pass through untouched. Absent
 * and null optional fields are alike (some channels send nulls).
 */
const text = z.string().nullish();
const account = z.looseObject({ id: z.string().min(1), name: text, aadObjectId: text, role: text });
const idOnly = z.looseObject({ id: z.string().min(1) });

const conversation = z.looseObject({
  id: z.string().min(1),
  tenantId: text,
  conversationType: text,
  name: text,
  isGroup: z.boolean().nullish()
});

const serviceUrl = z.url({ protocol: /^https?$/i, error: (issue) => (issue.input === undefined ? 'is required' : 'must be an absolute http(s) URL') });

const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 date and time')
  .nullish();

const channelData = z.looseObject({
  tenant: z.looseObject({ id: z.string() }).nullish(),
  team: z.looseObject({ id: text, name: text, aadGroupId: text }).nullish(),
  channel: z.looseObject({ id: text, name: text }).nullish()
});

const baseActivity = z
  .looseObject({
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
    entities: z.array(z.looseObject({ type: z.string() })).nullish(),
    attachments: z.array(z.looseObject({})).nullish(),
    membersAdded: z.array(idOnly).nullish(),
    membersRemoved: z.array(idOnly).nullish(),
    channelData: channelData.nullish()
  });

/** Universal Actions (`Action.Execute`): the answer card replaces the card the action came from, so `replyToId` names it. */
const cardAction = z.object({
  replyToId: z.string({ error: (issue) => (issue.input === undefined ? 'is required (the id of the card the action came from)' : undefined) }).min(1),
  value: z.looseObject({
    action: z.looseObject({ type: z.literal('Action.Execute'), verb: z.string().min(1), data: z.record(z.string(), z.unknown()).nullish() })
  })
});

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
    const parsed = cardAction.safeParse({ replyToId: activity.replyToId, value: activity.value }, { error: requiredOrDefault });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
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
  const parsed = activitySchema(invokes).safeParse(body, { error: requiredOrDefault });
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return `${issue.path.join('.') || 'activity'}: ${issue.message}`;
}

/** A missing field says so; any other problem keeps Zod's own words. */
function requiredOrDefault(issue: { code?: string; input?: unknown }): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;
}

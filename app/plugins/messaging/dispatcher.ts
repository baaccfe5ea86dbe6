import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  HttpTransportError,
  PluginError,
  type LookupResult,
  type MessageChannel,
  type OutgoingMessage,
  type SendResult,
} from '#app/plugins/sdk/index'
import Message from '#app/plugins/models/message'
import type { Phone } from '#app/shared/kernel/phone'
import { channelRegistry } from '#app/plugins/registries'
import { takeSlot } from '#app/plugins/rate_gate'
import { MayContact } from '#app/members/actions/do_not_contact'
import type { ConsentChannel } from '#app/members/actions/manage_consent'
import { backoffDelay } from '#app/shared/queue/job_runner'
import queue from '#app/shared/queue/queue'
import { sendMessageJob } from '#app/plugins/jobs/send_message_job'
import { toDbTime } from '#app/shared/kernel/db_values'

export const dispatcherSettings = {
  /** Provider calls one message may take (the first send and its retries). */
  maxAttempts: 5,
  /**
   * A message still `sending` this long after its claim belonged to a sender
   * that died. It covers the rate gate's wait (a few slots) and the provider
   * call (10 s timeout).
   */
  leaseMs: 60_000,
}

/**
 * Crash injection for tests and the bench — never set in production. A
 * hook that throws stops the send right there, leaving the claimed rows
 * `sending` exactly as a killed worker would.
 */
export const dispatcherFaults: {
  beforeCall?: (messageIds: number[]) => void
  afterCall?: (messageIds: number[]) => void
} = {}

type Counts = Record<string, number>

function add(counts: Counts, key: string, n = 1) {
  counts[key] = (counts[key] ?? 0) + n
}

/**
 * The message dispatcher: sends a pending message — together with other
 * pending messages that can share its provider call when the channel
 * declares a batch size — at most once per claim.
 *
 * 1. The rows are claimed (`pending` → `sending`, one batch token, the
 *    claim time) by a conditional update: a message is in one call only.
 *    On PostgreSQL the batch's rows are picked `FOR UPDATE SKIP LOCKED`,
 *    so concurrent runners take disjoint batches instead of racing for
 *    the same rows.
 * 2. Opt-outs are checked again on the claimed rows, for the whole batch
 *    at once (they may have arrived while the messages waited); opted-out
 *    ones become `suppressed`.
 * 3. One slot is taken from the provider's rate gate (one per call).
 * 4. The provider is called; its per-recipient results are recorded:
 *    `sent` with the provider's id; retryable errors back to `pending` with
 *    a backoff and a new job run; the others `failed` with their code.
 *
 * A sender that dies between 1 and 4 leaves rows `sending`; after the lease
 * they are recovered by `recoverStuck`.
 */
export async function sendPending(messageId: number, jobAttempt: number): Promise<Counts> {
  const token = randomUUID().replaceAll('-', '')
  const now = toDbTime(DateTime.utc())
  // A channel that sends one message per call has its message claimed by the very statement
  // that reads it; the channel is taken now, so a plugin disabled meanwhile still owns its claim.
  const singles = new Map(
    channelRegistry
      .list()
      .filter((channel) => batchSizeOf(channel) <= 1)
      .map((channel) => [channel.id, channel] as const)
  )
  const first = await claimOrProbe(messageId, [...singles.keys()], token, now)

  let channel: MessageChannel
  let claimed: Message[]
  if (first.claimed) {
    channel = singles.get(first.claimed.provider)!
    claimed = [first.claimed]
  } else {
    // Most runs of a batching channel find their message already taken into another run's call:
    // a few columns, judged by the database, and no model until there is work to do.
    const probe = first.probe
    if (!probe) return { skipped: 1 }
    if (probe.status === 'sending') {
      if (Number(probe.stale) !== 1) return { in_flight: 1 }
      const stuck = await Message.find(messageId)
      return stuck && isStale(stuck) ? recoverStuck([stuck]) : { in_flight: 1 }
    }
    if (probe.status !== 'pending') return { skipped: 1 }
    if (Number(probe.due) !== 1) return { waiting: 1 }
    // Claimable as read, yet not claimed by the same statement: a concurrent run changed the
    // row first (PostgreSQL re-checks the claim's condition on the newest version of the row).
    if (singles.has(probe.provider)) return { in_flight: 1 }
    // Only what the claim needs; the claimed rows come back whole.
    const message = new Message()
    message.id = probe.id
    message.provider = probe.provider
    message.templateCode = probe.template_code

    const active = channelRegistry.get(message.provider)
    if (!active) {
      // The plugin is disabled or failed: keep the message pending and let the job retry.
      if (jobAttempt < dispatcherSettings.maxAttempts) {
        throw new Error(`channel ${message.provider} is not active`)
      }
      await finish(
        [
          [
            message,
            {
              status: 'failed',
              error: new PluginError('transient', `channel ${message.provider} is not active`),
            },
          ],
        ],
        null
      )
      return { failed: 1 }
    }
    channel = active
    claimed = await claimBatch(message, channel, token, now)
    if (claimed.length === 0) return { skipped: 1 }
  }

  const counts: Counts = {}
  // The slot is reserved while opt-outs are checked, so the database's answer does not delay
  // the call; it comes after the claim: a run that lost every row to another run wastes no slot.
  // (A call whose every recipient opted out leaves its slot unused: under the limit, never over.)
  const waitStarted = Date.now()
  const [kept] = await Promise.all([
    allowed(claimed, token, counts),
    takeSlot(channel.id, { perSecond: channel.capabilities.ratePerSecond }),
  ])
  if (kept.length === 0) return counts
  const ids = kept.map((m) => m.id)
  if (Date.now() - waitStarted > dispatcherSettings.leaseMs / 2) {
    // A long wait: renew the claim for the call, unless the sweeper took it over meanwhile.
    const renewed = await db
      .from('messages')
      .where({ batch_token: token, status: 'sending', claimed_at: now })
      .update({ claimed_at: toDbTime(DateTime.utc()) })
    if (affected(renewed) !== kept.length) return { ...counts, lease_lost: 1 }
  }

  const outgoing = await Promise.all(kept.map((m) => toOutgoing(m, channel, token)))
  dispatcherFaults.beforeCall?.(ids)
  let results: SendResult[]
  try {
    results =
      kept.length === 1 ? [await channel.send(outgoing[0])] : await channel.sendBatch!(outgoing)
    if (!Array.isArray(results) || results.length !== kept.length) {
      throw new PluginError(
        'transient',
        `the plugin answered ${results?.length} results for ${kept.length} messages`,
        null,
        { retryable: false }
      )
    }
  } catch (error) {
    const normalised = normalise(error)
    results = kept.map(() => ({ ok: false, error: normalised }))
  }
  dispatcherFaults.afterCall?.(ids)

  add(counts, kept.length > 1 ? 'batch_calls' : 'single_calls')
  const outcomes = await finish(
    kept.map((m, index) => [m, resultOutcome(results[index], m)] as const),
    token
  )
  for (const outcome of outcomes) add(counts, outcome)
  return counts
}

/** Messages one provider call of the channel carries: 1 unless it has `sendBatch`. */
function batchSizeOf(channel: MessageChannel): number {
  return channel.sendBatch ? Math.max(1, Math.floor(channel.capabilities.batchSize)) : 1
}

/** What a run needs to know of a message it did not claim (snake_case columns, as read). */
interface Probe {
  id: number
  status: string
  provider: string
  template_code: string | null
  /** 1 when its retry time has come (or it has none). */
  due: number | string
  /** 1 when its claim is older than the lease. */
  stale: number | string
}

/**
 * Claims the message for one call under `token` when it is pending, due and
 * its provider is one of `providers` (channels sending one message per
 * call); otherwise reads what the run must know about it. On PostgreSQL the
 * two are one statement — a run that finds its message sent, taken or
 * batched by another run costs one round trip, and so does a claim; SQLite
 * (in-process, one writer) claims first and reads only when it did not.
 */
async function claimOrProbe(
  messageId: number,
  providers: string[],
  token: string,
  now: string
): Promise<{ claimed: Message | null; probe: Probe | null }> {
  const cutoff = toDbTime(DateTime.utc().minus({ milliseconds: dispatcherSettings.leaseMs }))
  const due = 'CASE WHEN next_attempt_at IS NULL OR next_attempt_at <= ? THEN 1 ELSE 0 END'
  const stale = 'CASE WHEN COALESCE(claimed_at, updated_at) < ? THEN 1 ELSE 0 END'
  const among = providers.map(() => '?').join(', ')
  if (providers.length > 0 && db.connection().dialect.name === 'postgres') {
    // The outer SELECT reads the row as it was before the claim: only used when nothing was claimed.
    const result = await db.rawQuery(
      `WITH claimed AS (
         UPDATE messages SET status = 'sending', batch_token = ?, claimed_at = ?,
           attempts = attempts + 1, updated_at = ?
         WHERE id = ? AND status = 'pending'
           AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND provider IN (${among})
         RETURNING messages.*
       )
       SELECT claimed.*, 1 AS claimed_now, 1 AS due, 0 AS stale FROM claimed
       UNION ALL
       SELECT messages.*, 0 AS claimed_now, ${due} AS due, ${stale} AS stale FROM messages
       WHERE id = ? AND NOT EXISTS (SELECT 1 FROM claimed)`,
      [token, now, now, messageId, now, ...providers, now, cutoff, messageId]
    )
    const row = result.rows[0]
    if (!row) return { claimed: null, probe: null }
    if (Number(row.claimed_now) === 1) {
      return { claimed: Message.$createFromAdapterResult(row)!, probe: null }
    }
    return { claimed: null, probe: row }
  }
  if (providers.length > 0) {
    const result = await db
      .from('messages')
      .where({ id: messageId, status: 'pending' })
      .whereRaw(`provider IN (${among})`, providers)
      .where((q) => q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
      .update({
        status: 'sending',
        batch_token: token,
        claimed_at: now,
        attempts: db.raw('attempts + 1'),
        updated_at: now,
      })
      .returning('*')
    const [claimed] = await claimedRows(result, token)
    if (claimed) return { claimed, probe: null }
  }
  const probe = await db
    .from('messages')
    .where('id', messageId)
    .select('id', 'status', 'provider', 'template_code')
    .select(db.raw(`${due} AS due`, [now]), db.raw(`${stale} AS stale`, [cutoff]))
    .first()
  return { claimed: null, probe: probe ?? null }
}

/**
 * The oldest other pending messages that may share `lead`'s provider call:
 * same provider and template, due at `now`. Locked and skipped when another
 * runner holds them (PostgreSQL).
 */
export function pendingBatchMates(
  client: QueryClientContract,
  lead: Pick<Message, 'id' | 'provider' | 'templateCode'>,
  now: string,
  limit: number
) {
  const query = client
    .from('messages')
    .where('provider', lead.provider)
    .where('status', 'pending')
    .where((q) =>
      lead.templateCode ? q.where('template_code', lead.templateCode) : q.whereNull('template_code')
    )
    .where('direction', 'out')
    .where((q) => q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
    .whereNot('id', lead.id)
    .orderBy('id')
    .limit(limit)
  if (client.dialect.name === 'postgres') query.forUpdate().skipLocked()
  return query
}

/**
 * Claims the message — and, when the channel batches, other pending
 * messages that may share its provider call, up to the batch size — for
 * one call under `token`, claimed at `now`. Answers the claimed rows as the claim wrote
 * them; none when another runner was first.
 */
async function claimBatch(
  lead: Message,
  channel: MessageChannel,
  token: string,
  now: string
): Promise<Message[]> {
  const claim = {
    status: 'sending',
    batch_token: token,
    claimed_at: now,
    attempts: db.raw('attempts + 1'),
    updated_at: now,
  }
  const size = batchSizeOf(channel)
  if (size <= 1) {
    const result = await db
      .from('messages')
      .where({ id: lead.id, status: 'pending' })
      .update(claim)
      .returning('*')
    return claimedRows(result, token)
  }

  // The lead, then the oldest others with its template, each by an index: the others walk
  // messages_claim_index (provider, status, template_code, id) in id order and stop at the limit.
  // (Ordering all of them with the lead first sorted every pending message of the template for
  // each claim: a campaign of 1M messages, 100k claims.) Rows another runner is claiming right
  // now are skipped rather than waited for (PostgreSQL; SQLite has one writer).
  const others = (client: QueryClientContract, limit: number) =>
    pendingBatchMates(client, lead, now, limit)
  const leadRow = (client: QueryClientContract) => {
    const query = client
      .from('messages')
      .where({ id: lead.id, status: 'pending', direction: 'out' })
      .where((q) => q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', now))
    if (client.dialect.name === 'postgres') query.forUpdate().skipLocked()
    return query
  }

  if (!channel.batchKey) {
    // The template is the batch key: pick and claim in one statement.
    if (db.connection().dialect.name === 'postgres') {
      // CTEs, locked once: `IN (… LIMIT n FOR UPDATE SKIP LOCKED)` can be re-run by PostgreSQL's
      // re-check of concurrently updated rows and then claim more than n.
      const leadSql = leadRow(db.connection()).select('id').toSQL()
      const matesSql = others(db.connection(), size - 1)
        .select('id')
        .toSQL()
      const result = await db.rawQuery(
        `WITH lead AS MATERIALIZED (${leadSql.sql}),
         others AS MATERIALIZED (${matesSql.sql}),
         picked AS (SELECT id FROM lead UNION ALL SELECT id FROM others)
         UPDATE messages SET status = 'sending', batch_token = ?, claimed_at = ?,
           attempts = attempts + 1, updated_at = ?
         FROM picked WHERE messages.id = picked.id AND messages.status = 'pending'
         RETURNING messages.*`,
        [...leadSql.bindings, ...matesSql.bindings, token, now, now]
      )
      return claimedRows(result.rows, token)
    }
    const result = await db
      .from('messages')
      .where((q) =>
        q
          .whereIn('id', leadRow(db.connection()).select('id'))
          .orWhereIn('id', others(db.connection(), size - 1).select('id'))
      )
      .where('status', 'pending')
      .update(claim)
      .returning('*')
    return claimedRows(result, token)
  }

  // A channel's own batch key (Tencent: template and parameters) decides who goes together:
  // the candidates stay locked while it is computed.
  const keyOf = (m: Message) => channel.batchKey!(bareOutgoing(m))
  return db.transaction(async (trx) => {
    const picked = [...(await leadRow(trx)), ...(await others(trx, size * 2 - 1))]
    const rows = picked.map((row) => Message.$createFromAdapterResult(row)!)
    if (rows.length === 0) return []
    const key = keyOf(rows[0])
    const group = rows.filter((m) => keyOf(m) === key).slice(0, size)
    const result = await trx
      .from('messages')
      .whereIn(
        'id',
        group.map((m) => m.id)
      )
      .where('status', 'pending')
      .update(claim)
      .returning('*')
    return claimedRows(result, token, trx)
  })
}

/**
 * The rows a claim wrote: from its RETURNING (PostgreSQL: no second round
 * trip), or read back by the token where the driver answers a count only.
 */
async function claimedRows(
  result: unknown,
  token: string,
  client: QueryClientContract = db.connection()
): Promise<Message[]> {
  if (Array.isArray(result) && (result.length === 0 || typeof result[0] === 'object')) {
    return result.map((row) => Message.$createFromAdapterResult(row)!).sort((a, b) => a.id - b.id)
  }
  if (affected(result) === 0) return []
  return Message.query({ client }).where('batch_token', token).orderBy('id')
}

/**
 * Drops (and records as suppressed) the claimed messages whose recipient
 * opted out meanwhile: one check for the whole batch, one update per reason.
 */
async function allowed(claimed: Message[], token: string, counts: Counts): Promise<Message[]> {
  const phones = claimed.map(phoneOf)
  const verdicts = await new MayContact().checkMany(
    claimed.map((message, index) => ({
      companyId: message.companyId,
      channel: message.channel as ConsentChannel,
      category: message.category ?? 'notification',
      phone: phones[index],
      memberId: message.memberId,
    }))
  )
  const kept: Message[] = []
  const suppressed = new Map<string | null, number[]>()
  for (const [index, message] of claimed.entries()) {
    const verdict = verdicts[index]
    if (verdict.allowed && phones[index]) {
      kept.push(message)
      continue
    }
    suppressed.set(verdict.reason, [...(suppressed.get(verdict.reason) ?? []), message.id])
  }
  for (const [reason, ids] of suppressed) {
    await db
      .from('messages')
      .whereIn('id', ids)
      .where('batch_token', token)
      .update({
        status: 'suppressed',
        error_code: 'suppressed',
        provider_code: reason,
        updated_at: toDbTime(DateTime.utc()),
      })
    add(counts, 'suppressed', ids.length)
  }
  return kept
}

/** Each message's phone, decrypted once per dispatcher run (checked, then sent). */
const decryptedPhones = new WeakMap<Message, Phone | null>()
function phoneOf(message: Message): Phone | null {
  if (!decryptedPhones.has(message)) decryptedPhones.set(message, message.phone)
  return decryptedPhones.get(message)!
}

function bareOutgoing(message: Message, batchId: string | null = null): OutgoingMessage {
  return {
    id: String(message.id),
    idempotencyKey: message.idempotencyKey ?? String(message.id),
    to: phoneOf(message)?.digits ?? '',
    category: message.category ?? 'notification',
    template: message.templateCode
      ? { code: message.templateCode, params: message.templateParams ?? {} }
      : null,
    text: message.body,
    batchId,
  }
}

async function toOutgoing(
  message: Message,
  channel: MessageChannel,
  batchId: string
): Promise<OutgoingMessage> {
  const openid =
    channel.capabilities.channel === 'wechat' && message.memberId
      ? await wechatOpenid(message.companyId, message.memberId)
      : null
  return { ...bareOutgoing(message, batchId), openid }
}

/** The member's WeChat openid (the newest one when a member has several). */
async function wechatOpenid(companyId: number, memberId: number): Promise<string | null> {
  const row = await db
    .from('member_identities')
    .where({ company_id: companyId, member_id: memberId, type: 'wechat_openid' })
    .orderBy('id', 'desc')
    .first()
  return row ? String(row.value) : null
}

type Outcome =
  | { status: 'sent'; providerMessageId: string | null }
  | { status: 'retry'; error: PluginError }
  | { status: 'failed'; error: PluginError }

function resultOutcome(result: SendResult, message: Message): Outcome {
  if (result.ok) return { status: 'sent', providerMessageId: result.providerMessageId }
  const error = normalise(result.error)
  // `attempts` counts provider calls, this one included (taken at the claim).
  const attempts = message.attempts
  if (error.retryable && attempts < dispatcherSettings.maxAttempts) {
    return { status: 'retry', error }
  }
  return { status: 'failed', error }
}

/**
 * Records outcomes in one transaction, only on rows still held by `token`
 * (null: any row not yet final). Rows with the same outcome are updated
 * together; a retry goes back to `pending` with its backoff and a job run
 * keyed by its attempt.
 */
async function finish(
  entries: ReadonlyArray<readonly [Message, Outcome]>,
  token: string | null
): Promise<Array<'sent' | 'retried' | 'failed'>> {
  const now = DateTime.utc()
  const alike = new Map<string, { ids: number[]; values: Record<string, unknown> }>()
  const retries: Array<[Message, PluginError]> = []
  for (const [message, outcome] of entries) {
    let values: Record<string, unknown>
    if (outcome.status === 'retry') {
      retries.push([message, outcome.error])
      continue
    } else if (outcome.status === 'sent') {
      values = {
        status: 'sent',
        provider_message_id: outcome.providerMessageId,
        error_code: null,
        provider_code: null,
        error_message: null,
        next_attempt_at: null,
        sent_at: toDbTime(now),
        updated_at: toDbTime(now),
      }
    } else {
      values = {
        status: 'failed',
        error_code: outcome.error.code,
        provider_code: outcome.error.providerCode,
        error_message: outcome.error.message.slice(0, 500),
        next_attempt_at: null,
        updated_at: toDbTime(now),
      }
    }
    const key = JSON.stringify(values)
    const same = alike.get(key) ?? { ids: [], values }
    same.ids.push(message.id)
    alike.set(key, same)
  }
  const record = async (trx: QueryClientContract) => {
    const rows = (ids: number[]) => {
      const query = trx.from('messages').whereIn('id', ids)
      if (token) query.where({ batch_token: token, status: 'sending' })
      else query.whereIn('status', ['pending', 'sending'])
      return query
    }
    for (const { ids, values } of alike.values()) await rows(ids).update(values)
    for (const [message, error] of retries) {
      const delayMs = Math.max(error.retryAfterMs ?? 0, backoffDelay(message.attempts))
      const changed = await rows([message.id]).update({
        status: 'pending',
        error_code: error.code,
        provider_code: error.providerCode,
        error_message: error.message.slice(0, 500),
        next_attempt_at: toDbTime(now.plus({ milliseconds: delayMs })),
        updated_at: toDbTime(now),
      })
      if (affected(changed) !== 1) continue
      await queue.dispatch(
        sendMessageJob,
        { messageId: message.id },
        {
          idempotencyKey: `message:${message.id}:attempt:${message.attempts + 1}`,
          delayMs,
          client: trx as TransactionClientContract,
        }
      )
    }
  }
  // One statement is atomic by itself: the usual all-sent batch needs no transaction.
  if (retries.length === 0 && alike.size <= 1) await record(db.connection())
  else await db.transaction(record)
  return entries.map(([, outcome]) => (outcome.status === 'retry' ? 'retried' : outcome.status))
}

function affected(result: unknown): number {
  return Array.isArray(result) ? Number(result[0] ?? 0) : Number(result)
}

function isStale(message: Message): boolean {
  const claimedAt = message.claimedAt ?? message.updatedAt
  return claimedAt.toMillis() < Date.now() - dispatcherSettings.leaseMs
}

const UNKNOWN = 'outcome unknown: the sender stopped during the provider call; not resent'

/**
 * Messages left `sending` by a sender that died. The provider decides what
 * happens, never a guess:
 * - the channel can look them up (`lookupSent`, e.g. Aliyun QuerySendDetails
 *   by out id): sent ones are recorded as sent, not-sent ones are sent again,
 *   unknown ones fail;
 * - the provider refuses duplicates of an idempotency key
 *   (`dedupesByIdempotencyKey`, WeChat `client_msg_id`): sent again;
 * - otherwise: failed, "outcome unknown", not resent (a later delivery
 *   receipt can still mark it delivered). This is the at-most-once edge.
 * Each claim is re-leased first, so two recoverers never both act.
 */
export async function recoverStuck(messages: Message[]): Promise<Counts> {
  const counts: Counts = {}
  const byClaim = new Map<string, Message[]>()
  for (const message of messages) {
    const key = message.batchToken ?? `row:${message.id}`
    byClaim.set(key, [...(byClaim.get(key) ?? []), message])
  }
  const cutoff = toDbTime(DateTime.utc().minus({ milliseconds: dispatcherSettings.leaseMs }))
  for (const [claim, group] of byClaim) {
    const releasedAt = toDbTime(DateTime.utc())
    const query = db.from('messages').where('status', 'sending')
    if (claim.startsWith('row:')) query.where('id', group[0].id).whereNull('batch_token')
    else query.where('batch_token', claim)
    query.where((q) =>
      q
        .where('claimed_at', '<', cutoff)
        .orWhere((legacy) => legacy.whereNull('claimed_at').where('updated_at', '<', cutoff))
    )
    if (affected(await query.update({ claimed_at: releasedAt, updated_at: releasedAt })) === 0) {
      continue
    }
    const held = claim.startsWith('row:')
      ? await Message.query().where('id', group[0].id).where('status', 'sending')
      : await Message.query().where('batch_token', claim).where('status', 'sending').orderBy('id')
    if (held.length === 0) continue
    const token = claim.startsWith('row:') ? null : claim
    // The original claim time (before the re-lease) is when the call was made.
    const claimedAt = new Map(
      group.map((m) => [m.id, (m.claimedAt ?? m.updatedAt).toJSDate()] as const)
    )
    const results = await lookUp(held, token, claimedAt)
    if (!results) {
      add(counts, 'lookup_failed', held.length)
      continue
    }
    for (const [index, result] of results.entries()) {
      const row = held[index]
      if (result.state === 'sent') {
        await finish(
          [[row, { status: 'sent', providerMessageId: result.providerMessageId }]],
          token
        )
        add(counts, 'found_sent')
      } else if (result.state === 'not_sent') {
        const outcome: Outcome =
          row.attempts < dispatcherSettings.maxAttempts
            ? {
                status: 'retry',
                error: new PluginError('transient', 'not sent: the sender stopped'),
              }
            : { status: 'failed', error: new PluginError('transient', 'not sent: out of attempts') }
        const [done] = await finish([[row, outcome]], token)
        if (done === 'retried') add(counts, 'resent')
        else add(counts, 'failed')
      } else {
        await finish(
          [
            [
              row,
              {
                status: 'failed',
                error: new PluginError('transient', UNKNOWN, null, { retryable: false }),
              },
            ],
          ],
          token
        )
        add(counts, 'unknown')
      }
    }
  }
  return counts
}

async function lookUp(
  held: Message[],
  token: string | null,
  claimedAt: Map<number, Date>
): Promise<LookupResult[] | null> {
  const channel = channelRegistry.get(held[0].provider)
  const unknown = held.map((): LookupResult => ({ state: 'unknown' }))
  if (!channel || !token) return unknown
  if (channel.lookupSent) {
    try {
      const outgoing = await Promise.all(held.map((m) => toOutgoing(m, channel, token)))
      const results = await channel.lookupSent(
        outgoing.map((out, i) => ({
          ...out,
          claimedAt: claimedAt.get(held[i].id) ?? held[i].claimedAt!.toJSDate(),
        }))
      )
      return results.length === held.length ? results : unknown
    } catch {
      // The provider could not be asked: the rows stay re-leased and the next sweep asks again.
      return null
    }
  }
  if (channel.capabilities.dedupesByIdempotencyKey) {
    return held.map((): LookupResult => ({ state: 'not_sent' }))
  }
  return unknown
}

/** Rows left `sending` past the lease, oldest first, for the sweeper job: by messages_status_index (status, id). */
export function staleSending(limit = 1000) {
  const cutoff = toDbTime(DateTime.utc().minus({ milliseconds: dispatcherSettings.leaseMs }))
  return Message.query()
    .where('status', 'sending')
    .where((q) =>
      q
        .where('claimed_at', '<', cutoff)
        .orWhere((legacy) => legacy.whereNull('claimed_at').where('updated_at', '<', cutoff))
    )
    .orderBy('id')
    .limit(limit)
}

export function normalise(error: unknown): PluginError {
  if (error instanceof PluginError) return error
  const like = error as Partial<PluginError> | null
  if (like?.name === 'PluginError' && typeof like.code === 'string') {
    // Thrown by an external plugin with its own copy of the SDK.
    return new PluginError(like.code, String(like.message), like.providerCode ?? null, {
      retryable: like.retryable,
    })
  }
  if (error instanceof HttpTransportError) {
    return new PluginError('transient', error.message, null, { cause: error, retryable: false })
  }
  // A bug in the plugin: the request may or may not have left; do not resend.
  return new PluginError('transient', `plugin error: ${(error as Error)?.message}`, null, {
    cause: error,
    retryable: false,
  })
}

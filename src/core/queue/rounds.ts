// Recurring rounds for curators: `schedule` registers a BullMQ job scheduler; a worker runs each round (discover, queued verify, queued rank) and publishes the status directory.
import type {Job} from 'bullmq'
import {discover, type DiscoverRequest} from '../discovery/discover.js'
import type {RankOptions} from '../ranking/rank.js'
import {UsageError} from '../errors.js'
import type {VerifyOptions} from '../verification/verify.js'
import {loadBullmq} from './load-queue-library.js'
import {bullConnection, type QueueTarget} from './connection.js'
import {PREFIX, ROUNDS_QUEUE} from './names.js'
import {queuedRank} from './queued-rank.js'
import {queuedVerify} from './queued-verify.js'
import {QueueError} from './queue-error.js'
import {writeStatus, type StatusFile} from './status-dir.js'

/** Everything a round needs, as plain data in the scheduler's job template. */
export type RoundJob = {
  kind: 'round'
  name: string
  request: DiscoverRequest
  statusDir: string
  verify: Pick<VerifyOptions, 'samples' | 'sampleSize' | 'timeoutMs'>
  rank: Pick<RankOptions, 'rttSamples' | 'throughput' | 'timeoutMs' | 'by'> & {vantages: string[] | 'all'}
}

const EVERY = /^(\d+)(s|m|h)$/

/** "30s", "10m", "1h" in milliseconds; a round more often than every 10 s would be a load test, not a check. */
export function parseEvery(text: string): number {
  const match = EVERY.exec(text.trim())
  const milliseconds = match ? Number(match[1]) * {s: 1000, m: 60_000, h: 3_600_000}[match[2] as 's' | 'm' | 'h'] : NaN
  if (!(milliseconds >= 10_000)) throw new UsageError(`--every must be a duration like 10m, 1h or 30s, at least 10s (got "${text}")`)
  return milliseconds
}

/** Registers (or replaces) the repeatable round `round.name`; returns when the first round is due. */
export async function registerRound(target: QueueTarget, round: RoundJob, everyMs: number): Promise<{id: string; nextAt?: string}> {
  const {Queue} = loadBullmq()
  const queue = new Queue(ROUNDS_QUEUE, {connection: bullConnection(target, false), prefix: PREFIX})
  try {
    // One round at a time per schedule: a round that outlasts the interval is not doubled up (removeOnComplete keeps Redis small).
    const job = await queue.upsertJobScheduler(round.name, {every: everyMs, immediately: true}, {name: 'round', data: round, opts: {removeOnComplete: 50, removeOnFail: 50, attempts: 1}})
    return {id: round.name, ...(job?.timestamp !== undefined && {nextAt: new Date(job.timestamp + (job.delay ?? 0)).toISOString()})}
  } finally {
    await queue.close()
  }
}

export async function removeRound(target: QueueTarget, name: string): Promise<boolean> {
  const {Queue} = loadBullmq()
  const queue = new Queue(ROUNDS_QUEUE, {connection: bullConnection(target, false), prefix: PREFIX})
  try {
    return await queue.removeJobScheduler(name)
  } finally {
    await queue.close()
  }
}

/** One round, on a worker: the same stages as `discover | verify --queue | rank --queue`, then the status directory. */
export async function runRound(job: Job, target: QueueTarget, signal: AbortSignal): Promise<{round: number; mirrors: number}> {
  const round = job.data as RoundJob
  if (round?.kind !== 'round' || typeof round.statusDir !== 'string' || typeof round.request?.argument !== 'string') {
    throw new QueueError('malformed job payload: not a round', 'EJOBPAYLOAD')
  }
  const found = await discover(round.request, {signal})
  const verified = await queuedVerify(found, round.verify, target, {signal})
  const ranked = await queuedRank(verified, round.rank, target, {signal})
  const status: StatusFile = await writeStatus(round.statusDir, ranked, new Date().toISOString(), signal)
  return {round: status.round, mirrors: status.mirrors.length}
}

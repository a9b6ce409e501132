// Queues one run's checks as a BullMQ flow (a collect parent over one child per check), follows its progress, and returns the results gathered once.
import {setTimeout as delay} from 'node:timers/promises'
import type {FlowJob} from 'bullmq'
import {AbortedError} from '../errors.js'
import type {CheckJob, CollectResult, RunPlan} from './check-jobs.js'
import {loadBullmq} from './load-queue-library.js'
import {bullConnection, openRedis, type QueueTarget} from './connection.js'
import {COLLECT_QUEUE, PREFIX, planKey} from './names.js'
import {QueueError} from './queue-error.js'
import {liveVantages} from './vantages.js'

export type QueuedCheck = {queue: string; job: CheckJob}
export type RunProgress = {done: number; total: number}
export type RunContext = {signal: AbortSignal; onProgress?: (progress: RunProgress) => void; onNote?: (message: string) => void}

/** A plan outlives its run by a week, long enough for any retry, short enough not to pile up. */
const PLAN_SECONDS = 7 * 24 * 3600
const POLL_MS = 250
/** Redis may restart under a run; the run gives up only after it has been gone this long. */
const OUTAGE_MS = 60_000

function childJob(check: QueuedCheck): FlowJob {
  return {
    name: check.job.kind,
    queueName: check.queue,
    data: check.job,
    opts: {
      jobId: `${check.job.runId}-${check.queue}-${check.job.index}`,
      attempts: 3,
      backoff: {type: 'exponential', delay: 1000},
      // A check that fails for good is reported as such; the other results are still collected.
      ignoreDependencyOnFailure: true,
      removeOnComplete: true,
      removeOnFail: {age: 24 * 3600},
    },
  }
}

/** Runs `checks` on the workers and waits for the parent to gather their results. */
export async function runChecks(target: QueueTarget, runId: string, plan: RunPlan, stage: 'verify' | 'rank', checks: QueuedCheck[], context: RunContext): Promise<CollectResult> {
  const {signal} = context
  if (checks.length === 0) return {results: [], failed: []}
  const {FlowProducer, Queue} = loadBullmq()
  const redis = await openRedis(target, false)
  const connection = bullConnection(target, false)
  const flows = new FlowProducer({connection, prefix: PREFIX})
  const collect = new Queue(COLLECT_QUEUE, {connection, prefix: PREFIX})
  try {
    if ((await liveVantages(redis)).length === 0) context.onNote?.('no mirrorkit worker is running yet; the checks wait in the queue until one starts')
    await redis.set(planKey(runId), JSON.stringify(plan), 'EX', PLAN_SECONDS)
    const parentId = `${runId}-collect`
    await flows.add({
      name: 'collect', queueName: COLLECT_QUEUE, data: {kind: 'collect', runId, stage},
      opts: {jobId: parentId, removeOnComplete: {age: 24 * 3600}, removeOnFail: {age: 24 * 3600}}, children: checks.map(childJob),
    })
    let lastSeen = Date.now()
    let reported = -1
    for (;;) {
      if (signal.aborted) throw new AbortedError()
      try {
        // The state before the job: a job read while it ran keeps a null return value even after its state turns
        // completed, whereas Redis stores the return value in the same step as that state.
        const state = await collect.getJobState(parentId)
        const parent = state === 'unknown' ? undefined : await collect.getJob(parentId)
        if (!parent) throw new QueueError(`run ${runId} vanished from Redis (was it flushed?)`, 'EQUEUE')
        if (state === 'completed') return parent.returnvalue as CollectResult
        if (state === 'failed') throw new QueueError(`collecting run ${runId} failed: ${parent.failedReason}`, 'EJOBFAILED')
        const counts = await parent.getDependenciesCount()
        const done = (counts.processed ?? 0) + (counts.ignored ?? 0) + (counts.failed ?? 0)
        if (done !== reported) context.onProgress?.({done, total: checks.length})
        reported = done
        lastSeen = Date.now()
      } catch (error) {
        if (error instanceof QueueError) throw error
        if (Date.now() - lastSeen > OUTAGE_MS) throw new QueueError(`lost Redis at ${target.display} for over ${OUTAGE_MS / 1000} s`, 'EQUEUE', error)
      }
      await delay(POLL_MS, undefined, {signal}).catch(() => {})
    }
  } finally {
    await Promise.allSettled([flows.close(), collect.close()])
    redis.disconnect()
  }
}

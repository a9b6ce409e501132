// A mirrorkit worker: takes verify checks, rank checks for its vantage and flow parents from BullMQ, runs them with the core code, one log line per job.
import {randomUUID} from 'node:crypto'
import {hostname} from 'node:os'
import type {Job, Worker} from 'bullmq'
import type {TransportOptions} from '../../plugins/types.js'
import {MirrorError} from '../errors.js'
import {redactText, redactUrl} from '../redact.js'
import {TransportSet} from '../transports.js'
import {parseCheckJob, parseCollectJob, type CheckJob, type CheckResult} from './check-jobs.js'
import {collectChildren} from './collect-results.js'
import {loadBullmq} from './load-queue-library.js'
import {bullConnection, openRedis, type QueueTarget} from './connection.js'
import {HostLimit} from './host-limit.js'
import {JobRunner} from './job-runner.js'
import {COLLECT_QUEUE, PREFIX, ROUNDS_QUEUE, VERIFY_QUEUE, checkVantage, rankQueue} from './names.js'
import {runRound} from './rounds.js'
import {startHeartbeat} from './vantages.js'

export type WorkerOptions = {
  target: QueueTarget
  /** Where this worker measures from; rank jobs for it come to this worker. Default: the host name. */
  vantage?: string
  /** Jobs run at once by this worker. Default 4. */
  concurrency?: number
  /** Checks of one mirror host at once across all workers. Default 2. */
  perHost?: number
  /** Checks started per second across all workers (BullMQ's global limiter). Default 20. */
  ratePerSecond?: number
  /** How long a job's lock lasts; a worker killed mid-job loses its jobs to others after about this long. Default 30 s. */
  lockMs?: number
  transportOptions?: TransportOptions
  log: (line: string) => void
}

export type WorkerHandle = {
  vantage: string
  /** Stops taking jobs, finishes the running ones (hard-aborts them with `force`), and closes every connection. */
  close(force?: boolean): Promise<void>
}

export const DEFAULT_PER_HOST = 2
export const DEFAULT_RATE = 20

function describe(result: CheckResult): string {
  if (result.kind === 'verify') return result.verdict.error ? `${result.verdict.status} (${result.verdict.error.code})` : result.verdict.status
  const {measurement} = result
  return measurement.error ? `failed (${measurement.error.code})` : `${Math.round((measurement.bytesPerSecond ?? 0) / 1024)} KiB/s`
}

/** Starts the BullMQ workers of one mirrorkit worker process; returns once they are connected. */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const {Worker: BullWorker, DelayedError, UnrecoverableError} = loadBullmq()
  const vantage = checkVantage(options.vantage ?? hostname().split('.')[0]!.replace(/[^A-Za-z0-9_.-]/g, '-'))
  const concurrency = options.concurrency ?? 4
  const lockMs = options.lockMs ?? 30_000
  const redis = await openRedis(options.target, true)
  const transports = new TransportSet(options.transportOptions)
  const runner = new JobRunner(redis, transports, vantage)
  const limit = new HostLimit(redis, options.perHost ?? DEFAULT_PER_HOST, 10 * 60_000)
  const hardStop = new AbortController()
  const workerId = randomUUID().slice(0, 8)
  const {log} = options

  const runCheck = async (job: Job, token: string | undefined, kind: CheckJob['kind']) => {
    let check: CheckJob
    try {
      check = parseCheckJob(job.data, kind)
    } catch (error) {
      log(`${kind} job ${job.id} rejected: ${(error as Error).message} (EJOBPAYLOAD)`)
      // Unrecoverable: retrying a malformed payload cannot help; the worker itself goes on.
      throw new UnrecoverableError(`${(error as Error).message} (EJOBPAYLOAD)`)
    }
    const lease = `${job.id}`
    if (!(await limit.acquire(check.url, lease))) {
      // Back to the delayed set, not a busy wait: this worker's slot goes to another host's check meanwhile.
      await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 200), token)
      throw new DelayedError()
    }
    const started = Date.now()
    try {
      const result = kind === 'verify' ? await runner.verify(check, hardStop.signal) : await runner.rank(check, hardStop.signal)
      log(`${kind} ${redactUrl(check.url)}${kind === 'rank' ? ` from ${vantage}` : ''}: ${describe(result)} in ${Date.now() - started} ms`)
      return result
    } catch (error) {
      const code: string = error instanceof MirrorError ? error.code : 'EINTERNAL'
      log(`${kind} ${redactUrl(check.url)}: job failed, ${redactText((error as Error).message)} (${code})`)
      if (code === 'EJOBPAYLOAD') throw new UnrecoverableError(`${(error as Error).message} (EJOBPAYLOAD)`)
      throw error
    } finally {
      await limit.release(check.url, lease).catch(() => {})
    }
  }

  const common = {connection: bullConnection(options.target, true), prefix: PREFIX, concurrency, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 2}
  const limiter = {max: options.ratePerSecond ?? DEFAULT_RATE, duration: 1000}
  const workers: Worker[] = [
    new BullWorker(VERIFY_QUEUE, (job, token) => runCheck(job, token, 'verify'), {...common, limiter}),
    new BullWorker(rankQueue(vantage), (job, token) => runCheck(job, token, 'rank'), {...common, limiter}),
    new BullWorker(COLLECT_QUEUE, async (job) => {
      const collect = parseCollectJob(job.data)
      const collected = await collectChildren(job)
      log(`collected ${collect.stage} run ${collect.runId}: ${collected.results.length} results, ${collected.failed.length} failed`)
      return collected
    }, common),
    // One round at a time per worker: a round mostly waits for the checks it queued, which the other workers run.
    new BullWorker(ROUNDS_QUEUE, async (job) => {
      const started = Date.now()
      const result = await runRound(job, options.target, hardStop.signal)
      log(`round ${result.round} of ${job.data?.name}: ${result.mirrors} mirrors published in ${Date.now() - started} ms`)
      return result
    }, {...common, concurrency: 1}),
  ]
  let lastError = ''
  for (const worker of workers) {
    worker.on('error', (error) => {
      // A Redis restart makes every connection complain at once; one line per distinct message is enough.
      const line = `worker: ${redactText(error.message)}`
      if (line !== lastError) log(line)
      lastError = line
    })
    worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log(`job ${job.id} failed for good: ${redactText(error.message)}`)
    })
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()))
  const stopHeartbeat = startHeartbeat(redis, vantage, workerId)
  log(`worker ${workerId} ready: vantage ${vantage}, concurrency ${concurrency}, queue ${options.target.display}`)

  return {
    vantage,
    async close(force = false) {
      await stopHeartbeat()
      if (force) hardStop.abort()
      // close() waits for running jobs; force hands them back (their locks lapse and another worker retries them).
      await Promise.all(workers.map((worker) => worker.close(force)))
      await transports.close()
      redis.disconnect()
    },
  }
}

// Runs one check job with the same core code as the local commands: verifyCandidate against the run's frozen plan, measureCandidate for rank.
import type {Redis} from 'ioredis'
import {measureCandidate} from '../ranking/rank.js'
import type {TransportSet} from '../transports.js'
import {thawPlan} from '../verification/frozen-plan.js'
import {verifyCandidate, type Plan} from '../verification/verify.js'
import type {CheckJob, RankResult, RunPlan, VerifyResult} from './check-jobs.js'
import {planKey} from './names.js'
import {QueueError} from './queue-error.js'

/** Plans kept in memory; a worker sees a handful of runs at a time, so a small cache saves a GET per job. */
const CACHED_PLANS = 16

export class JobRunner {
  private readonly plans = new Map<string, Promise<{run: RunPlan; verifyPlan?: Plan}>>()

  constructor(
    private readonly redis: Redis,
    private readonly transports: TransportSet,
    readonly vantage: string,
  ) {}

  private plan(runId: string): Promise<{run: RunPlan; verifyPlan?: Plan}> {
    let cached = this.plans.get(runId)
    if (!cached) {
      cached = this.load(runId)
      // A failed load (Redis restarting) must not stick: the job's retry loads again.
      cached.catch(() => this.plans.delete(runId))
      this.plans.set(runId, cached)
      if (this.plans.size > CACHED_PLANS) this.plans.delete(this.plans.keys().next().value!)
    }
    return cached
  }

  private async load(runId: string): Promise<{run: RunPlan; verifyPlan?: Plan}> {
    const text = await this.redis.get(planKey(runId))
    if (text === null) throw new QueueError(`run ${runId} has no plan in Redis (expired, or the job is foreign)`, 'EJOBPAYLOAD')
    let run: RunPlan
    try {
      run = JSON.parse(text) as RunPlan
    } catch {
      throw new QueueError(`run ${runId}'s plan is not JSON`, 'EJOBPAYLOAD')
    }
    return run.verify ? {run, verifyPlan: thawPlan(run.verify.plan)} : {run}
  }

  async verify(job: CheckJob, signal: AbortSignal): Promise<VerifyResult> {
    const {run, verifyPlan} = await this.plan(job.runId)
    if (!run.verify || !verifyPlan) throw new QueueError(`run ${job.runId} has no verify plan`, 'EJOBPAYLOAD')
    const verdict = await verifyCandidate(job.url, verifyPlan, this.transports, {timeoutMs: run.verify.timeoutMs, full: run.verify.full}, signal)
    return {kind: 'verify', index: job.index, verdict}
  }

  async rank(job: CheckJob, signal: AbortSignal): Promise<RankResult> {
    const {run} = await this.plan(job.runId)
    if (!run.rank) throw new QueueError(`run ${job.runId} has no rank plan`, 'EJOBPAYLOAD')
    const options = {rttSamples: run.rank.rttSamples, throughput: run.rank.throughput, timeoutMs: run.rank.timeoutMs}
    // No host history: it is one machine's memory, and a vantage's measurement must stand on its own.
    const measurement = await measureCandidate({url: job.url, foundBy: []}, job.size, options, this.transports, {}, signal)
    return {kind: 'rank', index: job.index, vantage: this.vantage, measurement}
  }
}

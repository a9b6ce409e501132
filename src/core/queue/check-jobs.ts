// The data of queued check jobs and of the run plan they share, and the one place a job's payload is checked before it runs.
import type {ErrorInfo, Measurement, Verdict} from '../model.js'
import type {ThroughputOptions} from '../ranking/throughput.js'
import type {FrozenPlan} from '../verification/frozen-plan.js'
import {QueueError} from './queue-error.js'

/** One candidate to check; the settings shared by the run live in the run's plan (one copy in Redis, not one per job). */
export type CheckJob = {kind: 'verify' | 'rank'; runId: string; index: number; url: string; size?: number}

export type VerifySettings = {plan: FrozenPlan; timeoutMs: number; full: boolean}
export type RankSettings = {rttSamples: number; throughput: Partial<ThroughputOptions>; timeoutMs: number}

/** Stored once per run under planKey(runId). */
export type RunPlan = {verify?: VerifySettings; rank?: RankSettings}

export type VerifyResult = {kind: 'verify'; index: number; verdict: Verdict}
export type RankResult = {kind: 'rank'; index: number; vantage: string; measurement: Measurement}
export type CheckResult = VerifyResult | RankResult

/** A parent job: done when its checks are, it hands back their results once. */
export type CollectJob = {kind: 'collect'; runId: string; stage: 'verify' | 'rank'}

export type CollectResult = {results: CheckResult[]; failed: Array<{index: number; vantage?: string; error: ErrorInfo}>}

const RUN_ID = /^[A-Za-z0-9_.-]{1,80}$/

function bad(what: string): never {
  throw new QueueError(`malformed job payload: ${what}`, 'EJOBPAYLOAD')
}

/** Refuses anything but a well-formed check, naming what is wrong, so a foreign or corrupt job cannot crash a worker. */
export function parseCheckJob(data: unknown, expected: CheckJob['kind']): CheckJob {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) bad('expected an object')
  const job = data as Record<string, unknown>
  if (job.kind !== expected) bad(`"kind" must be "${expected}"`)
  if (typeof job.runId !== 'string' || !RUN_ID.test(job.runId)) bad('"runId" must be a short identifier')
  if (!Number.isSafeInteger(job.index) || (job.index as number) < 0) bad('"index" must be a non-negative integer')
  if (typeof job.url !== 'string' || !URL.canParse(job.url)) bad('"url" must be an absolute URL')
  if (job.size !== undefined && (!Number.isSafeInteger(job.size) || (job.size as number) < 0)) bad('"size" must be a non-negative integer')
  const parsed: CheckJob = {kind: expected, runId: job.runId, index: job.index as number, url: job.url}
  if (job.size !== undefined) parsed.size = job.size as number
  return parsed
}

export function parseCollectJob(data: unknown): CollectJob {
  const job = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>
  if (job.kind !== 'collect' || typeof job.runId !== 'string' || (job.stage !== 'verify' && job.stage !== 'rank')) bad('not a collect job')
  return {kind: 'collect', runId: job.runId, stage: job.stage}
}

// verify --queue: freezes the plan once here, queues one check per candidate, and builds the same MirrorSet a local run prints.
import {randomUUID} from 'node:crypto'
import type {MirrorSet} from '../model.js'
import {redactUrl} from '../redact.js'
import {TransportSet} from '../transports.js'
import {freezePlan, type FrozenPlan} from '../verification/frozen-plan.js'
import {decideVerdict} from '../verification/verdict.js'
import {prepareVerify, timeoutFor, verifiedSet, type VerifyContext, type VerifyOptions} from '../verification/verify.js'
import type {QueueTarget} from './connection.js'
import {VERIFY_QUEUE} from './names.js'
import {runChecks, type RunProgress} from './run-checks.js'

export type QueuedContext = VerifyContext & {onProgress?: (progress: RunProgress) => void; onNote?: (message: string) => void}

/** Verifies every candidate on the workers; never throws for one bad mirror, as verifyMirrors. */
export async function queuedVerify(set: MirrorSet, options: VerifyOptions, queue: QueueTarget, context: QueuedContext): Promise<MirrorSet> {
  const {signal} = context
  const transports = options.transports ?? new TransportSet(options.transportOptions)
  const run = new AbortController()
  let prepared
  let frozen: FrozenPlan
  try {
    prepared = await prepareVerify(set, options, transports, signal, run.signal)
    // Read once here: every worker compares with these bytes, even if the primary changes or fails meanwhile.
    frozen = await freezePlan(prepared.plan, signal)
  } finally {
    run.abort()
    if (!options.transports) await transports.close()
  }
  const {plan, candidates} = prepared
  const runId = randomUUID()
  const checks = candidates.map((candidate, index) => ({queue: VERIFY_QUEUE, job: {kind: 'verify' as const, runId, index, url: candidate.url}}))
  const settings = {plan: frozen, timeoutMs: timeoutFor(options), full: options.full ?? false}
  const collected = await runChecks(queue, runId, {verify: settings}, 'verify', checks, context)
  for (const result of collected.results) {
    if (result.kind !== 'verify' || !candidates[result.index]) continue
    candidates[result.index]!.verify = result.verdict
    context.onEvent?.({type: 'verdict', url: redactUrl(candidates[result.index]!.url), verdict: result.verdict})
  }
  for (const failure of collected.failed) {
    const candidate = candidates[failure.index]
    if (candidate && !candidate.verify) candidate.verify = decideVerdict({checks: [], notes: [], error: failure.error})
  }
  return verifiedSet(set, plan.target, candidates)
}

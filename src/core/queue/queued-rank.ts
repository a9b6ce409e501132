// rank --queue: measures every candidate from each asked vantage on the workers there, combines the vantages, and sorts as a local run does.
import {randomUUID} from 'node:crypto'
import type {Measurement, MirrorSet} from '../model.js'
import type {RankContext, RankOptions} from '../ranking/rank.js'
import {sortCandidates} from '../ranking/score.js'
import {DEFAULT_THROUGHPUT} from '../ranking/throughput.js'
import {redactUrl} from '../redact.js'
import {combineVantages} from './combine-vantages.js'
import {openRedis, type QueueTarget} from './connection.js'
import {checkVantage, rankQueue} from './names.js'
import {QueueError} from './queue-error.js'
import {runChecks, type QueuedCheck, type RunProgress} from './run-checks.js'
import {liveVantages} from './vantages.js'

export type QueuedRankContext = RankContext & {onProgress?: (progress: RunProgress) => void; onNote?: (message: string) => void}

const EXCLUDED = new Set(['mismatch', 'unreachable'])

/** The vantages to measure from: every live one for 'all', else the named ones, each of which must have a live worker. */
export async function chooseVantages(queue: QueueTarget, asked: string[] | 'all'): Promise<string[]> {
  const redis = await openRedis(queue, false)
  try {
    const live = await liveVantages(redis)
    if (asked === 'all') {
      if (live.length === 0) throw new QueueError(`no mirrorkit worker is running on ${queue.display} (start one: mirrorkit worker --queue URL)`, 'ENOWORKER')
      return live
    }
    const missing = asked.map(checkVantage).filter((name) => !live.includes(name))
    if (missing.length > 0) throw new QueueError(`no live worker for vantage ${missing.join(', ')} (live: ${live.join(', ') || 'none'})`, 'EVANTAGES')
    return [...new Set(asked)]
  } finally {
    redis.disconnect()
  }
}

/** Measures, combines and sorts (best first) on the workers; a failing mirror is kept, last, with its reason. */
export async function queuedRank(set: MirrorSet, options: RankOptions & {vantages: string[] | 'all'}, queue: QueueTarget, context: QueuedRankContext): Promise<MirrorSet> {
  const vantages = await chooseVantages(queue, options.vantages)
  const candidates = set.candidates.map((candidate) => ({...candidate}))
  const runId = randomUUID()
  const checks: QueuedCheck[] = []
  candidates.forEach((candidate, index) => {
    delete candidate.rank
    if (!options.includeAll && candidate.verify && EXCLUDED.has(candidate.verify.status)) return
    const size = set.target.size ?? candidate.verify?.size
    for (const vantage of vantages) checks.push({queue: rankQueue(vantage), job: {kind: 'rank', runId, index, url: candidate.url, ...(size !== undefined && {size})}})
  })
  const plan = {rank: {rttSamples: options.rttSamples ?? 5, throughput: {...DEFAULT_THROUGHPUT, ...options.throughput}, timeoutMs: options.timeoutMs ?? 5000}}
  const collected = await runChecks(queue, runId, plan, 'rank', checks, context)
  const byCandidate = new Map<number, Measurement[]>()
  const add = (index: number, measurement: Measurement) => byCandidate.set(index, [...(byCandidate.get(index) ?? []), measurement])
  for (const result of collected.results) if (result.kind === 'rank') add(result.index, {...result.measurement, vantage: result.vantage})
  for (const failure of collected.failed) add(failure.index, {measuredAt: new Date().toISOString(), error: failure.error, ...(failure.vantage && {vantage: failure.vantage})})
  for (const [index, entries] of byCandidate) {
    const candidate = candidates[index]
    if (!candidate) continue
    entries.sort((a, b) => (a.vantage ?? '').localeCompare(b.vantage ?? ''))
    candidate.rank = combineVantages(entries)
    context.onEvent?.({type: 'measured', url: redactUrl(candidate.url), measurement: candidate.rank})
  }
  let sorted = sortCandidates(candidates, options.by ?? 'score')
  if (options.top !== undefined) sorted = sorted.slice(0, Math.max(0, options.top))
  const target = set.target.primary ? {...set.target, primary: redactUrl(set.target.primary)} : set.target
  return {...set, target, candidates: sorted.map((candidate) => ({...candidate, url: redactUrl(candidate.url)}))}
}

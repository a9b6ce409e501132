// Gathers the results of a flow's checks once, in the parent job: one result per check, and each check that failed for good named with its candidate.
import type {Job} from 'bullmq'
import type {CheckResult, CollectResult} from './check-jobs.js'

/** Child job ids end in "-<index>", and rank children live in queue "rank.<vantage>" (keys are prefix:queue:id). */
function childOf(key: string): {index: number; vantage?: string} {
  const [, queue = '', id = ''] = key.split(':')
  const index = Number(id.slice(id.lastIndexOf('-') + 1))
  return queue.startsWith('rank.') ? {index, vantage: queue.slice('rank.'.length)} : {index}
}

export async function collectChildren(job: Job): Promise<CollectResult> {
  const values = await job.getChildrenValues<CheckResult>()
  const ignored = await job.getIgnoredChildrenFailures()
  const failed = Object.entries(ignored).map(([key, reason]) => ({...childOf(key), error: {code: 'EJOBFAILED', message: String(reason)}}))
  return {results: Object.values(values), failed}
}

// `get` for many files: discovers every target (a metalink may describe several files), verifies each file's mirrors, and fetches them all as one batch.
import {childSignal} from '../child-signal.js'
import {ExitCode} from '../error-codes.js'
import {MirrorError} from '../errors.js'
import type {MirrorSet} from '../model.js'
import {noneUsable, pipelineDefaults, USABLE, type PipelineRequest} from '../pipeline.js'
import {restoreCredentials} from '../restore-credentials.js'
import {verifyMirrors} from '../verification/verify.js'
import type {BatchEvent, BatchFileResult, BatchSummary} from './batch-report.js'
import {worstExitCode} from './batch-report.js'
import {runBatch, type BatchOptions} from './batch-runner.js'

/** Files whose mirrors are verified at once. */
const VERIFY_AT_ONCE = 4

export type BatchPipelineRequest = Omit<PipelineRequest, 'argument' | 'output' | 'discovered'> & {
  /** One MirrorSet per file, as discoverEach found them for the targets. */
  sets: MirrorSet[]
  /** The targets as the user typed them, whose passwords the redacted sets lost. */
  arguments: string[]
  batch?: Pick<BatchOptions, 'jobs' | 'connections' | 'perHost' | 'wholeBelow'>
}

export type BatchPipelineReport = {verified: MirrorSet[]; batch: BatchSummary}

/**
 * Verify, then fetch. There is no rank stage: the batch measures each host on the files themselves and
 * sends the next file where it finishes first, which a probe per file would only delay.
 */
export async function runBatchPipeline(request: BatchPipelineRequest, hooks: {signal: AbortSignal; onEvent?: (event: BatchEvent) => void}): Promise<BatchPipelineReport> {
  const transportOptions = request.transportOptions ?? {}
  const verified: Array<MirrorSet | undefined> = request.sets.map(() => undefined)
  const refused: BatchFileResult[] = []
  let next = 0
  const verifyNext = async () => {
    while (next < request.sets.length) {
      const index = next++
      const set = restoreCredentials(request.sets[index]!, request.arguments)
      const checked = await verifyMirrors(set, {...pipelineDefaults.verify, ...request.verify, transportOptions: {...transportOptions, ...request.verify?.transportOptions}}, {signal: hooks.signal})
      if (checked.candidates.some((candidate) => USABLE.has(candidate.verify?.status ?? 'unverified'))) verified[index] = checked
      else refused.push(failed(checked, noneUsable(checked)))
    }
  }
  await Promise.all(Array.from({length: Math.min(VERIFY_AT_ONCE, request.sets.length)}, verifyNext))
  const usable = verified.filter((set): set is MirrorSet => set !== undefined)
  const fetchSignal = childSignal(hooks.signal)
  try {
    const batch = await runBatch(
      {
        items: usable.map((set) => ({set: restoreCredentials(set, request.arguments)})),
        ...(request.directory === undefined ? {} : {directory: request.directory}),
        ...request.batch,
        fetch: {...request.fetch, transport: {...transportOptions, ...request.fetch?.transport}},
      },
      {signal: fetchSignal.signal, ...(hooks.onEvent ? {onEvent: hooks.onEvent} : {})},
    )
    const files = [...refused, ...batch.files]
    return {verified: usable, batch: {...batch, files, failed: batch.failed + refused.length, exitCode: worstExitCode(files)}}
  } finally {
    fetchSignal.dispose()
  }
}

function failed(set: MirrorSet, error: MirrorError): BatchFileResult {
  return {name: set.target.name, output: '', status: 'failed', bytes: 0, durationMs: 0, error: {code: error.code, message: error.message, exitCode: error.exitCode ?? ExitCode.noMirror}}
}

// The deferred stat of a mirror whose first stat had not answered when the download started, or failed with a retryable error (503, reset, timeout): it joins the run, waits again, or is rejected.
import {deadlineSignal} from '../deadline-signal.js'
import type {FetchEvent} from './events.js'
import {asMirrorError} from './mirror-failures.js'
import {STAT_TIMEOUT_MS} from './mirror-setup.js'
import type {MirrorState} from './mirror-state.js'
import {unlessAborted} from '../unless-aborted.js'

/** Never throws: the outcome is the mirror's new state, announced through `emit`. */
export async function restatMirror(mirror: MirrorState, size: number, signal: AbortSignal, emit: (event: FetchEvent) => void): Promise<void> {
  const reject = (reason: string, lastError?: {code: string; message: string}) => {
    mirror.reject(reason, lastError)
    emit({type: 'mirror-rejected', mirror: mirror.id, url: mirror.displayUrl, reason})
  }
  try {
    const pending = mirror.takePendingStat()
    const remote = await (pending ? unlessAborted(pending, signal) : mirror.transport.stat(mirror.url, {signal: deadlineSignal(signal, STAT_TIMEOUT_MS)}))
    const mismatch = mirror.stated(remote, size)
    if (mismatch === undefined) mirror.succeeded()
    else reject(mismatch)
  } catch (error) {
    if (signal.aborted) return
    const failure = asMirrorError(error)
    mirror.noteFailure(failure)
    if (failure.retryable) {
      const seconds = mirror.bench(Date.now(), failure.code, failure.message, failure.retryAfter)
      emit({type: 'mirror-benched', mirror: mirror.id, url: mirror.displayUrl, code: failure.code, seconds})
      return
    }
    reject(`stat failed: ${failure.code} ${failure.message}`, {code: failure.code, message: failure.message})
  }
}


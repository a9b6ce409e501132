// A child AbortSignal that follows its parent and is detached when done, so long runs do not pile listeners on one signal.
import {setMaxListeners} from 'node:events'

export type ChildSignal = {signal: AbortSignal; dispose(): void}

/**
 * Aborts with the parent (and its reason). Probes attach several short-lived listeners and
 * AbortSignal.any() composites to the signal they get; giving each mirror its own child keeps
 * those off the caller's signal, which lives for the whole command.
 */
export function childSignal(parent: AbortSignal): ChildSignal {
  const controller = new AbortController()
  // Each probe of one mirror adds a listener or two; a dozen in flight is expected, not a leak.
  setMaxListeners(50, controller.signal)
  const onAbort = () => controller.abort(parent.reason)
  if (parent.aborted) onAbort()
  else parent.addEventListener('abort', onAbort, {once: true})
  return {signal: controller.signal, dispose: () => parent.removeEventListener('abort', onAbort)}
}

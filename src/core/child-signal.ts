// A child AbortSignal that follows its parent (and an optional deadline) and is detached when done, so long runs do not pile listeners on one signal.
import {setMaxListeners} from 'node:events'

export type ChildSignal = {signal: AbortSignal; dispose(): void}

/**
 * Aborts with the parent (and its reason). Probes attach several short-lived listeners and
 * AbortSignal.any() composites to the signal they get; giving each mirror its own child keeps
 * those off the caller's signal, which lives for the whole command.
 */
export function childSignal(parent: AbortSignal, timeoutMs?: number): ChildSignal {
  const controller = new AbortController()
  // Each probe of one mirror adds a listener or two; a dozen in flight is expected, not a leak.
  setMaxListeners(50, controller.signal)
  const onAbort = () => controller.abort(parent.reason)
  if (parent.aborted) onAbort()
  else parent.addEventListener('abort', onAbort, {once: true})
  // A timer, not AbortSignal.timeout inside AbortSignal.any: Node 20 may collect such a timeout signal
  // before it fires (nodejs/node#57736), and the request it guards then hangs; this timer holds the controller.
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new DOMException('The operation timed out', 'TimeoutError')), timeoutMs)
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer)
      parent.removeEventListener('abort', onAbort)
    },
  }
}

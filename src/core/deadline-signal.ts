// Deadline signals that cannot be garbage-collected before they fire, in place of AbortSignal.timeout.
//
// AbortSignal.any() holds its sources weakly, and AbortSignal.timeout() is kept alive only while it
// has listeners of its own; on Node 20 such a timeout inside any() can be collected before it fires
// (nodejs/node#57736), and the request it was meant to end hangs. Here the timer holds the
// controller, so the signal lives until it fires; unref() keeps it from holding the process open.

/** A signal that aborts with a TimeoutError after `timeoutMs`. */
export function timeoutSignal(timeoutMs: number): AbortSignal {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out', 'TimeoutError')), timeoutMs)
  timer.unref()
  return controller.signal
}

/** Aborts when any of `parents` does, or with a TimeoutError after `timeoutMs`. */
export function deadlineSignal(parents: AbortSignal | AbortSignal[], timeoutMs: number): AbortSignal {
  return AbortSignal.any([...(Array.isArray(parents) ? parents : [parents]), timeoutSignal(timeoutMs)])
}

// Races a promise against an AbortSignal: libraries without signal support (ssh2) leave requests pending after the caller gave up.

/** `promise`, or the signal's reason as soon as it aborts; the promise runs on, and its late failure is expected, not unhandled. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {})
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, {once: true})
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

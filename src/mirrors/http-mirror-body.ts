// Sends a local mirror's response body in small throttled chunks, applying the stall and reset faults as it goes.
import type {ServerResponse} from 'node:http'
import type {Throttle} from './throttle.js'

/** Small chunks keep the shared throttle fair between connections and accurate at low rates. */
const CHUNK_BYTES = 16 * 1024
/** Without a rate cap, bigger chunks cost less CPU per byte, which matters on a loaded machine. */
const UNTHROTTLED_CHUNK_BYTES = 256 * 1024

export type BodyFaults = {stallAfter?: number; resetAfter?: number}

export type BodyJob = {
  response: ServerResponse
  body: Uint8Array
  throttles: readonly Throttle[]
  /** Read before every chunk, so a test can make a response stall or reset while it runs. */
  faults: () => BodyFaults
  /** Aborted when the response's socket closes. */
  signal: AbortSignal
  onSent: (bytes: number) => void
}

/** Writes `body`, or part of it when a fault interrupts; resolves when done or when the client went away. */
export async function sendBody(job: BodyJob): Promise<void> {
  const {response, body, signal} = job
  let sent = 0
  let flushed: Promise<void> = Promise.resolve()
  try {
    while (sent < body.length) {
      if (signal.aborted) return
      const {stallAfter, resetAfter} = job.faults()
      if (stallAfter !== undefined && sent >= stallAfter) {
        // A stalled server keeps the socket open and silent; only the client or close() ends it.
        await untilAborted(signal)
        return
      }
      if (resetAfter !== undefined && sent >= resetAfter) {
        // Every byte counted as sent reaches the socket before it is cut.
        await Promise.race([flushed, untilAborted(signal)])
        response.socket?.destroy()
        return
      }
      const unthrottled = job.throttles.every((throttle) => throttle.bytesPerSecond === Infinity)
      let size = Math.min(unthrottled ? UNTHROTTLED_CHUNK_BYTES : CHUNK_BYTES, body.length - sent)
      if (stallAfter !== undefined) size = Math.min(size, stallAfter - sent)
      if (resetAfter !== undefined) size = Math.min(size, resetAfter - sent)
      for (const throttle of job.throttles) await throttle.take(size, signal)
      const chunk = body.subarray(sent, sent + size)
      sent += size
      job.onSent(size)
      // Not waiting for each write keeps a request for tokens always queued, which keeps the throttle's rate exact.
      flushed = new Promise<void>((resolve) => response.write(chunk, () => resolve()))
      if (response.writableNeedDrain) await drained(response, signal)
    }
    response.end()
  } catch {
    // The client left or the server is closing: nothing more to send.
  }
}

/** Resolves when the socket takes more data, or when the response closes. */
function drained(response: ServerResponse, signal: AbortSignal): Promise<void> {
  if (!response.writableNeedDrain || signal.aborted) return Promise.resolve()
  return new Promise<void>((resolve) => {
    const done = () => {
      response.off('drain', done)
      signal.removeEventListener('abort', done)
      resolve()
    }
    response.on('drain', done)
    signal.addEventListener('abort', done, {once: true})
  })
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
}

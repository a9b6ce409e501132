// Sends a local mirror's response body in small throttled chunks, applying the stall and reset faults as it goes.
import type {ServerResponse} from 'node:http'
import type {Throttle} from './throttle.js'

/** Bounds on a chunk: small enough for fair sharing at low rates, big enough to keep the CPU cost per byte low. */
const MINIMUM_CHUNK_BYTES = 16 * 1024
const MAXIMUM_CHUNK_BYTES = 256 * 1024

/** About 10 ms of data at the tightest rate, so a throttled server costs ~100 wake-ups a second whatever its rate. */
function chunkBytes(throttles: readonly Throttle[]): number {
  const rate = Math.min(...throttles.map((throttle) => throttle.bytesPerSecond))
  return Math.min(MAXIMUM_CHUNK_BYTES, Math.max(MINIMUM_CHUNK_BYTES, Math.floor(rate / 100)))
}

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
      let size = Math.min(chunkBytes(job.throttles), body.length - sent)
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

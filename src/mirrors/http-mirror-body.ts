// Sends a local mirror's response body in small throttled chunks, applying the stall and reset faults as it goes.
import type {ServerResponse} from 'node:http'
import type {Throttle} from './throttle.js'

/** Small chunks keep the shared throttle fair between connections and accurate at low rates. */
const CHUNK_BYTES = 16 * 1024

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
        response.socket?.destroy()
        return
      }
      let size = Math.min(CHUNK_BYTES, body.length - sent)
      if (stallAfter !== undefined) size = Math.min(size, stallAfter - sent)
      if (resetAfter !== undefined) size = Math.min(size, resetAfter - sent)
      for (const throttle of job.throttles) await throttle.take(size, signal)
      const chunk = body.subarray(sent, sent + size)
      sent += size
      job.onSent(size)
      await write(response, chunk, signal)
    }
    response.end()
  } catch {
    // The client left or the server is closing: nothing more to send.
  }
}

/** Resolves once the chunk reached the socket, so a reset right after it never swallows bytes we counted as sent. */
function write(response: ServerResponse, chunk: Uint8Array, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, {once: true})
    response.write(chunk, (error) => {
      signal.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve()
    })
  })
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
}

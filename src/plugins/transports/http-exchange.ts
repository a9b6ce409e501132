// One HTTP request on undici's dispatch API: the body arrives as the socket's own chunks, with backpressure, and no Node stream in between.
import type {IncomingHttpHeaders} from 'node:http'
import type {Dispatcher} from 'undici'
import {holdBack, WAKE_BYTES, type Held} from './reader-wake.js'

/**
 * Bytes a body may queue before its socket is paused. The engine takes chunks as fast as it hands
 * them to the disk, so this only matters when a write stalls; it bounds memory per link.
 */
const HIGH_WATER_BYTES = 512 * 1024
/** A body discarded unread (a redirect, an error page) is read this far to keep its connection, then cut. */
const DUMP_LIMIT_BYTES = 128 * 1024

export type ExchangeRequest = {origin: string; path: string; method: 'GET' | 'HEAD'; headers: Record<string, string>; signal: AbortSignal}

export type Exchange = {statusCode: number; headers: IncomingHttpHeaders; body: ResponseBody}

/** What a read turns a chunk (or the end) into, and a failure into; runs before the read's promise settles. */
export type BodyReader<T> = {take(result: IteratorResult<Buffer>): T; fail(error: Error): T}

const DONE: IteratorResult<Buffer> = {done: true, value: undefined}
const AS_IS: BodyReader<IteratorResult<Buffer>> = {
  take: (result) => result,
  fail: (error) => {
    throw error
  },
}

/** A read waiting for the next chunk. */
type Waiting = {reader: BodyReader<unknown>; resolve(value: unknown): void; reject(error: unknown): void}

/**
 * The body of one response: iterate it once for its chunks, or `dump()` it. A consumer that stops
 * early (break, throw) aborts the request, which closes its connection instead of reading the rest.
 */
export class ResponseBody implements AsyncIterable<Buffer>, Held {
  private readonly chunks: Buffer[] = []
  private queued = 0
  private finished = false
  private failure: Error | undefined
  private waiting: Waiting | undefined
  private controller: Dispatcher.DispatchController | undefined

  /** True when the server sent the whole body and every chunk was taken. */
  get ended(): boolean {
    return this.finished && this.chunks.length === 0
  }

  attach(controller: Dispatcher.DispatchController): void {
    this.controller = controller
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.queued += chunk.length
    if (this.queued >= HIGH_WATER_BYTES) this.controller?.pause()
    // A waiting reader is woken for a batch, then takes the rest of it without waiting.
    if (!this.waiting) return
    if (this.queued >= WAKE_BYTES) this.serve()
    else holdBack(this)
  }

  /** The batch timer: a reader still waiting gets what is queued, however little. */
  release(): void {
    if (this.waiting && this.chunks.length > 0) this.serve()
  }

  end(): void {
    this.finished = true
    if (this.waiting) this.serve()
  }

  fail(error: Error): void {
    this.failure ??= error
    if (this.waiting) this.serve()
  }

  /** The caller gave up (its signal aborted): chunks still queued are dropped, and the next read throws `reason`. */
  abandon(reason: Error): void {
    this.failure ??= reason
    this.chunks.length = 0
    this.queued = 0
    if (this.waiting) this.serve()
  }

  /** Stops the response; its connection is closed rather than drained. */
  destroy(reason: Error = new Error('response body discarded')): void {
    if (this.finished || this.failure) return
    this.failure = reason
    this.controller?.abort(reason)
    if (this.waiting) this.serve()
  }

  /**
   * One pass over the chunks. Written out rather than as an async generator: a generator's yield costs
   * several promise jobs, paid for every chunk. A reader that leaves early (break, throw: its loop
   * calls return) aborts the request.
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.read(AS_IS),
      return: () => {
        if (!this.finished) this.destroy()
        return Promise.resolve(DONE)
      },
    }
  }

  /**
   * The next chunk, or the end, passed through `reader` before the promise settles: a caller that
   * reshapes each chunk pays no second promise job for it, as it would with `.then()`.
   */
  read<T>(reader: BodyReader<T>): Promise<T> {
    const outcome = this.outcome()
    if (outcome !== undefined) return settled(reader, outcome)
    if (this.waiting) return Promise.reject(new Error('a response body is read by one reader at a time'))
    return new Promise<T>((resolve, reject) => (this.waiting = {reader, resolve: resolve as (value: unknown) => void, reject}))
  }

  /** Reads and drops a small body so the connection can be reused; a large one is cut instead. */
  async dump(): Promise<void> {
    let bytes = 0
    for await (const chunk of this) {
      bytes += chunk.length
      if (bytes > DUMP_LIMIT_BYTES) break
    }
  }

  /** What the next read gets now: the first queued chunk, then the failure or the end; undefined while neither. */
  private outcome(): IteratorResult<Buffer> | Error | undefined {
    const chunk = this.chunks.shift()
    if (chunk !== undefined) {
      this.queued -= chunk.length
      if (this.controller?.paused && this.queued < HIGH_WATER_BYTES / 2) this.controller.resume()
      return {done: false, value: chunk}
    }
    return this.failure ?? (this.finished ? DONE : undefined)
  }

  /** Settles the waiting read with what there is now. */
  private serve(): void {
    const outcome = this.outcome()
    if (outcome === undefined) return
    const {reader, resolve, reject} = this.waiting!
    this.waiting = undefined
    try {
      resolve(outcome instanceof Error ? reader.fail(outcome) : reader.take(outcome))
    } catch (error) {
      reject(error)
    }
  }
}

function settled<T>(reader: BodyReader<T>, outcome: IteratorResult<Buffer> | Error): Promise<T> {
  try {
    return Promise.resolve(outcome instanceof Error ? reader.fail(outcome) : reader.take(outcome))
  } catch (error) {
    return Promise.reject(error)
  }
}

/** Sends one request; resolves with the status and headers as soon as they arrive. */
export function exchange(dispatcher: Dispatcher, request: ExchangeRequest): Promise<Exchange> {
  const {signal} = request
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<Exchange>((resolve, reject) => {
    const body = new ResponseBody()
    let controller: Dispatcher.DispatchController | undefined
    let answered = false
    const onAbort = () => {
      const reason = signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason))
      // The reader stops now, not after the chunks already queued (up to HIGH_WATER_BYTES).
      if (answered) body.abandon(reason)
      if (controller) controller.abort(reason)
      else settle(reason)
    }
    const settle = (error: Error) => {
      signal.removeEventListener('abort', onAbort)
      if (answered) body.fail(error)
      else {
        answered = true
        reject(error)
      }
    }
    signal.addEventListener('abort', onAbort, {once: true})
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started
        body.attach(started)
        if (signal.aborted) started.abort(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
      },
      onResponseStart(_controller, statusCode, headers) {
        // Interim answers (103 Early Hints) precede the real response on the same request.
        if (statusCode < 200 || answered) return
        answered = true
        resolve({statusCode, headers, body})
      },
      onResponseData(_controller, chunk) {
        body.push(chunk)
      },
      onResponseEnd() {
        signal.removeEventListener('abort', onAbort)
        body.end()
      },
      onResponseError(_controller, error) {
        settle(error)
      },
    }
    try {
      dispatcher.dispatch({origin: request.origin, path: request.path, method: request.method, headers: request.headers}, handler)
    } catch (error) {
      settle(error as Error)
    }
  })
}

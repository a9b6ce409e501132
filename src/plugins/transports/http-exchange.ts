// One HTTP request on undici's dispatch API: the body arrives as the socket's own chunks, with backpressure, and no Node stream in between.
import type {IncomingHttpHeaders} from 'node:http'
import type {Dispatcher} from 'undici'

/**
 * Bytes a body may queue before its socket is paused. The engine takes chunks as fast as it hands
 * them to the disk, so this only matters when a write stalls; it bounds memory per link.
 */
const HIGH_WATER_BYTES = 512 * 1024
/** A body discarded unread (a redirect, an error page) is read this far to keep its connection, then cut. */
const DUMP_LIMIT_BYTES = 128 * 1024

export type ExchangeRequest = {origin: string; path: string; method: 'GET' | 'HEAD'; headers: Record<string, string>; signal: AbortSignal}

export type Exchange = {statusCode: number; headers: IncomingHttpHeaders; body: ResponseBody}

/**
 * The body of one response: iterate it once for its chunks, or `dump()` it. A consumer that stops
 * early (break, throw) aborts the request, which closes its connection instead of reading the rest.
 */
export class ResponseBody implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = []
  private queued = 0
  private finished = false
  private failure: Error | undefined
  private wake: (() => void) | undefined
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
    this.notify()
  }

  end(): void {
    this.finished = true
    this.notify()
  }

  fail(error: Error): void {
    this.failure ??= error
    this.notify()
  }

  /** The caller gave up (its signal aborted): chunks still queued are dropped, and the next read throws `reason`. */
  abandon(reason: Error): void {
    this.failure ??= reason
    this.chunks.length = 0
    this.queued = 0
    this.notify()
  }

  /** Stops the response; its connection is closed rather than drained. */
  destroy(reason: Error = new Error('response body discarded')): void {
    if (this.finished || this.failure) return
    this.failure = reason
    this.controller?.abort(reason)
    this.notify()
  }

  /**
   * One pass over the chunks. Written out rather than as an async generator: a generator's yield costs
   * several promise jobs, paid for every chunk (65,536 TLS records per GiB). A reader that leaves
   * early (break, throw: its loop calls return) aborts the request.
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.next(),
      return: () => {
        if (!this.finished) this.destroy()
        return Promise.resolve({done: true, value: undefined})
      },
    }
  }

  private next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.chunks.shift()
    if (chunk !== undefined) {
      this.queued -= chunk.length
      if (this.controller?.paused && this.queued < HIGH_WATER_BYTES / 2) this.controller.resume()
      return Promise.resolve({done: false, value: chunk})
    }
    if (this.failure) return Promise.reject(this.failure)
    if (this.finished) return Promise.resolve({done: true, value: undefined})
    return new Promise<void>((resolve) => (this.wake = resolve)).then(() => this.next())
  }

  /** Reads and drops a small body so the connection can be reused; a large one is cut instead. */
  async dump(): Promise<void> {
    let bytes = 0
    for await (const chunk of this) {
      bytes += chunk.length
      if (bytes > DUMP_LIMIT_BYTES) break
    }
  }

  private notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
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

// Checks that a response to a ranged GET really carries the bytes asked for, and streams exactly that many.
import {TransportError} from '../../core/errors.js'
import {handOver} from '../../core/handed-over.js'
import {redactUrl} from '../../core/redact.js'
import type {ByteRange} from '../types.js'
import {errorForFailure, header} from './http-errors.js'
import type {BodyReader} from './http-exchange.js'
import {discard, type HttpResponse} from './http-request.js'

/** `bytes first-last/total`, with total '*' when unknown. */
export function parseContentRange(value: string | undefined): {first: number; last: number; total?: number} | undefined {
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? '')
  if (!match) return undefined
  const total = match[3] === '*' ? undefined : Number(match[3])
  return {first: Number(match[1]), last: Number(match[2]), total}
}

/** The body's bytes are the file's: no Content-Encoding, or identity (we ask for identity). */
export function isIdentityEncoded(headers: HttpResponse['headers']): boolean {
  return /^(identity)?$/i.test(header(headers, 'content-encoding')?.trim() ?? '')
}

/** Throws when the body is compressed despite `Accept-Encoding: identity`: its bytes would not be the file's. */
export function checkIdentityEncoding(response: HttpResponse): void {
  if (!isIdentityEncoded(response.headers)) {
    const encoding = header(response.headers, 'content-encoding')!.trim().toLowerCase()
    throw new TransportError(`${redactUrl(response.url)}: the server sent Content-Encoding "${encoding}" although we asked for identity`, 'EENCODING')
  }
}

/** Throws unless a 2xx response can deliver `range` from its first body byte. */
export function checkRangedResponse(response: HttpResponse, range: ByteRange, sentIfRange: string | undefined): void {
  const where = redactUrl(response.url)
  if (response.statusCode === 206) {
    const found = parseContentRange(header(response.headers, 'content-range'))
    const expected = `bytes ${range.offset}-${range.offset + range.length - 1}`
    if (!found || found.first !== range.offset || found.last !== range.offset + range.length - 1) {
      throw new TransportError(
        `${where}: asked for ${expected}, got Content-Range "${header(response.headers, 'content-range') ?? ''}"`,
        'ECONTENTRANGE',
      )
    }
    return
  }
  // A 200 carries the whole file from byte 0. After If-Range it means the file changed, unless the
  // server still reports the ETag we sent: then it simply ignores Range.
  if (sentIfRange !== undefined && header(response.headers, 'etag') !== sentIfRange) {
    throw new TransportError(`${where}: the file changed (If-Range did not match its ETag)`, 'ECHANGED')
  }
  const size = Number(header(response.headers, 'content-length'))
  const coversRange = range.offset === 0 && (!Number.isFinite(size) || size <= range.length)
  if (!coversRange) throw new TransportError(`${where}: the server ignores Range requests (HTTP 200)`, 'ERANGE_UNSUPPORTED')
}

/**
 * Yields the body of the response `respond` resolves to (nothing when it resolves to undefined),
 * stopping after `length` bytes when given; fewer bytes is ESHORT. Leaving early (break, error,
 * abort) destroys the body, which releases or closes its socket. Each chunk is the socket's own
 * buffer (or a fresh copy undici made), so it is handed over: the receiver may free it.
 */
export function streamBody(
  respond: () => Promise<HttpResponse | undefined>,
  length: number | undefined,
  signal: AbortSignal,
): AsyncIterableIterator<Uint8Array> {
  return new RangedBody(respond, length, signal)
}

const DONE: IteratorResult<Uint8Array> = {done: true, value: undefined}

/**
 * streamBody's iterator, written out: as an async generator around the body's own iterator it cost
 * a second round of promise jobs for every chunk. It reads the body as its BodyReader, so each chunk
 * is checked before the read's promise settles. The request starts on the first next(), as a
 * generator's body would.
 */
class RangedBody implements AsyncIterableIterator<Uint8Array>, BodyReader<IteratorResult<Uint8Array>> {
  private response: HttpResponse | undefined
  private received = 0
  private declared = NaN
  /** No more chunks: the body ended, the range is complete, or it failed. */
  private over = false

  constructor(
    private readonly respond: () => Promise<HttpResponse | undefined>,
    private readonly length: number | undefined,
    private readonly signal: AbortSignal,
  ) {}

  [Symbol.asyncIterator](): this {
    return this
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.over) return Promise.resolve(DONE)
    if (!this.response) return this.start()
    // No signal.aborted per chunk: an abort already stops the body at its next read (ResponseBody.abandon).
    return this.response.body.read(this)
  }

  /** Leaving early: a body not read to its end is dropped, which closes its connection. */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.finish()
    return Promise.resolve(DONE)
  }

  private async start(): Promise<IteratorResult<Uint8Array>> {
    const response = await this.respond().catch((error: unknown) => {
      this.over = true
      throw error
    })
    if (response === undefined) {
      this.over = true
      return DONE
    }
    this.response = response
    this.declared = Number(header(response.headers, 'content-length'))
    return this.next()
  }

  take(result: IteratorResult<Buffer>): IteratorResult<Uint8Array> {
    if (result.done) return this.ended()
    const chunk = result.value
    const {length} = this
    if (length !== undefined && this.received + chunk.byteLength > length) {
      const last = chunk.subarray(0, length - this.received)
      this.received = length
      this.finish()
      return last.byteLength > 0 ? {done: false, value: handOver(last)} : DONE
    }
    this.received += chunk.byteLength
    // When the body is exactly the range, let it end by itself so its connection stays open for the next request.
    if (length !== undefined && this.received === length && this.declared !== length) this.finish()
    return {done: false, value: handOver(chunk)}
  }

  /** The body ended: ESHORT when it carried fewer bytes than the range or its Content-Length. */
  private ended(): IteratorResult<Uint8Array> {
    this.finish()
    if (this.signal.aborted) throw this.signal.reason
    const expected = this.length ?? this.declared
    if (Number.isFinite(expected) && this.received < expected) {
      throw new TransportError(`${redactUrl(this.response!.url)}: stream ended after ${this.received} of ${expected} bytes`, 'ESHORT', {
        retryable: true,
      })
    }
    return DONE
  }

  fail(error: unknown): never {
    this.finish()
    if (this.signal.aborted) throw this.signal.reason
    if (error instanceof TransportError) throw error
    throw errorForFailure(error, this.response!.url, true)
  }

  private finish(): void {
    this.over = true
    if (this.response && !this.response.body.ended) discard(this.response)
  }
}

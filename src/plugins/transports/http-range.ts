// Checks that a response to a ranged GET really carries the bytes asked for, and streams exactly that many.
import {TransportError} from '../../core/errors.js'
import {handOver} from '../../core/handed-over.js'
import {redactUrl} from '../../core/redact.js'
import type {ByteRange} from '../types.js'
import {errorForFailure, header} from './http-errors.js'
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
export async function* streamBody(
  respond: () => Promise<HttpResponse | undefined>,
  length: number | undefined,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const response = await respond()
  if (response === undefined) return
  const body = response.body
  const declared = Number(header(response.headers, 'content-length'))
  // No signal.aborted per chunk: an abort already stops the body at its next read (ResponseBody.abandon),
  // and callers pass signals of several shapes, each new one making V8 discard this loop's optimised code.
  let received = 0
  try {
    for await (const chunk of body) {
      if (length !== undefined && received + chunk.byteLength > length) {
        const last = chunk.subarray(0, length - received)
        received = length
        if (last.byteLength > 0) yield handOver(last)
        return
      }
      received += chunk.byteLength
      yield handOver(chunk)
      // When the body is exactly the range, let it end by itself so its connection stays open for the next request.
      if (length !== undefined && received === length && declared !== length) return
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason
    if (error instanceof TransportError) throw error
    throw errorForFailure(error, response.url, true)
  } finally {
    if (!body.ended) discard(response)
  }
  if (signal.aborted) throw signal.reason
  const expected = length ?? declared
  if (Number.isFinite(expected) && received < expected) {
    throw new TransportError(`${redactUrl(response.url)}: stream ended after ${received} of ${expected} bytes`, 'ESHORT', {
      retryable: true,
    })
  }
}

// Statuses and undici/Node failures map to our stable codes, with the right retry advice and no credentials.
import {describe, expect, it} from 'vitest'
import {errorForFailure, errorForStatus, parseRetryAfter} from '../../../src/plugins/transports/http-errors.js'

const url = new URL('http://ann:secret@127.0.0.1:9/f.bin')
const failure = (code: string, cause?: unknown) => Object.assign(new Error(`failed: ${code}`), {code, cause})

describe('http errors', () => {
  it('maps statuses', () => {
    expect(errorForStatus(206, {}, url)).toBeUndefined()
    expect(errorForStatus(410, {}, url)).toMatchObject({code: 'ENOTFOUND', retryable: false, exitCode: 3})
    expect(errorForStatus(403, {}, url)).toMatchObject({code: 'EAUTH', retryable: false, exitCode: 5})
    expect(errorForStatus(503, {}, url)).toMatchObject({code: 'ETHROTTLED', retryable: true, retryAfter: undefined})
    expect(errorForStatus(502, {}, url)).toMatchObject({code: 'EHTTP', retryable: true})
    expect(errorForStatus(418, {}, url)).toMatchObject({code: 'EHTTP', retryable: false})
    expect(errorForStatus(404, {}, url)?.message).not.toContain('secret')
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })

  it('maps network failures, looking inside undici wrappers', () => {
    expect(errorForFailure(failure('UND_ERR_CONNECT_TIMEOUT'), url)).toMatchObject({code: 'ETIMEDOUT', retryable: true})
    expect(errorForFailure(failure('UND_ERR_SOCKET', failure('ECONNRESET')), url)).toMatchObject({code: 'ECONNRESET', retryable: true})
    expect(errorForFailure(failure('UND_ERR_SOCKET'), url, true)).toMatchObject({code: 'ESHORT', retryable: true})
    expect(errorForFailure(new AggregateError([failure('ECONNREFUSED')]), url)).toMatchObject({code: 'ECONNREFUSED'})
    expect(errorForFailure(failure('DEPTH_ZERO_SELF_SIGNED_CERT'), url)).toMatchObject({code: 'ETLS', retryable: false})
    expect(errorForFailure(failure('ENOTFOUND'), url)).toMatchObject({code: 'EDNS', retryable: false})
    expect(errorForFailure(failure('ECONNREFUSED'), url).message).not.toContain('secret')
  })
})

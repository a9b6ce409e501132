import {describe, expect, it} from 'vitest'
import {failureCode, networkError, refuseInvalidHost} from '../../src/core/network-errors.js'
import {ftpError} from '../../src/plugins/transports/ftp-errors.js'
import {errorForFailure} from '../../src/plugins/transports/http-errors.js'
import {sftpError} from '../../src/plugins/transports/sftp-errors.js'

const failure = (code: string, cause?: unknown) => Object.assign(new Error(`failed: ${code}`), {code, cause})

describe('the network-error map', () => {
  it('gives every transport the same code and retryability for the same socket or DNS failure', () => {
    const mappers = {
      http: (error: unknown) => errorForFailure(error, new URL('http://h.example/f')),
      ftp: (error: unknown) => ftpError(error, new URL('ftp://h.example/f'), 'stat'),
      sftp: (error: unknown) => sftpError(error, new URL('sftp://h.example/f'), 'stat'),
    }
    const expected: Array<[string, string, boolean]> = [
      ['ENOTFOUND', 'EDNS', false],
      ['EAI_AGAIN', 'EDNS', true],
      ['ECONNREFUSED', 'ECONNREFUSED', true],
      ['ECONNRESET', 'ECONNRESET', true],
      ['ETIMEDOUT', 'ETIMEDOUT', true],
      ['EHOSTUNREACH', 'EUNREACHABLE', true],
      ['ENETUNREACH', 'EUNREACHABLE', true],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'ETLS', false],
    ]
    for (const [name, map] of Object.entries(mappers)) {
      for (const [node, code, retryable] of expected) {
        const error = map(failure(node))
        expect({transport: name, node, code: error.code, retryable: error.retryable, exitCode: error.exitCode}).toEqual({transport: name, node, code, retryable, exitCode: 5})
      }
    }
  })

  it('looks inside wrappers and aggregates for the telling code', () => {
    expect(failureCode(failure('UND_ERR_SOCKET', failure('ECONNRESET')))).toBe('ECONNRESET')
    expect(failureCode(new AggregateError([failure('ECONNREFUSED')]))).toBe('ECONNREFUSED')
    expect(networkError(new Error('no code'), 'x')).toBeUndefined()
  })

  it('refuses a .invalid host (any case, trailing dot) and nothing else', () => {
    for (const host of ['mirror.invalid', 'A.INVALID.', 'invalid']) {
      expect(() => refuseInvalidHost(new URL(`http://${host}/f`))).toThrow(expect.objectContaining({code: 'EDNS', retryable: false}))
    }
    expect(() => refuseInvalidHost(new URL('http://invalid.example/f'))).not.toThrow()
  })
})

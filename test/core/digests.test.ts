// Digest and Repr-Digest headers become checksums in hex, whatever encoding the server chose.
import {createHash} from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {digestsFromHeaders, parseDigestHeader, parseReprDigestHeader} from '../../src/core/digests.js'

const data = Buffer.from('mirrorkit')
const hash = (algorithm: string) => createHash(algorithm).update(data)
const sha256Hex = hash('sha256').digest('hex')
const sha256B64 = hash('sha256').digest('base64')
const sha512B64 = hash('sha512').digest('base64')
const md5B64 = hash('md5').digest('base64')
const sha1B64 = hash('sha1').digest('base64')

describe('digests', () => {
  it('reads RFC 3230 Digest with several algorithms, in any case', () => {
    expect(parseDigestHeader(`SHA-256=${sha256B64}, md5=${md5B64},SHA=${sha1B64}`)).toEqual([
      {algorithm: 'sha256', hex: sha256Hex},
      {algorithm: 'md5', hex: hash('md5').digest('hex')},
      {algorithm: 'sha1', hex: hash('sha1').digest('hex')},
    ])
  })

  it('reads hex values and skips unknown algorithms and wrong lengths', () => {
    expect(parseDigestHeader(`sha-256=${sha256Hex.toUpperCase()}`)).toEqual([{algorithm: 'sha256', hex: sha256Hex}])
    expect(parseDigestHeader(`UNIXsum=30637, SHA-256=${sha256B64.slice(0, 20)}`)).toEqual([])
    expect(parseDigestHeader(undefined)).toEqual([])
  })

  it('reads RFC 9530 Repr-Digest structured fields', () => {
    expect(parseReprDigestHeader(`sha-256=:${sha256B64}:, sha-512=:${sha512B64}:`)).toEqual([
      {algorithm: 'sha256', hex: sha256Hex},
      {algorithm: 'sha512', hex: hash('sha512').digest('hex')},
    ])
    expect(parseReprDigestHeader(`sha-256=${sha256B64}`)).toEqual([])
  })

  it('merges both headers, strongest first, without duplicates', () => {
    const merged = digestsFromHeaders(`SHA-256=${sha256B64}`, `sha-256=:${sha256B64}:, sha-512=:${sha512B64}:`)
    expect(merged.map((checksum) => checksum.algorithm)).toEqual(['sha512', 'sha256'])
  })
})

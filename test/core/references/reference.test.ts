import {describe, expect, it} from 'vitest'
import {chooseReference, describeReference, type Sighting} from '../../../src/core/references/reference.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(128)

function seen(source: Sighting['source'], hex: string, site: string, primary: boolean, algorithm: 'sha256' | 'sha512' = 'sha256'): Sighting {
  return {checksum: {algorithm, hex}, source, location: `http://${site}/x`, site, primary}
}

describe('chooseReference', () => {
  it('follows the order of trust: user, signed file, primary headers or metalink, unsigned file', () => {
    const file = seen('checksum-file', A, 'p', true)
    const headers = seen('headers', B, 'p', true)
    const signed = seen('signed-checksum-file', C, 'p', true, 'sha512')
    expect(chooseReference([file, headers])?.checksum.hex).toBe(B)
    expect(chooseReference([file, headers, signed])?.source).toBe('signed-checksum-file')
    expect(chooseReference([file, headers, signed, {...seen('user', A, 'p', true), location: '--checksum'}])?.source).toBe('user')
  })

  it('prefers the stronger algorithm at equal trust', () => {
    expect(chooseReference([seen('checksum-file', A, 'p', true), seen('checksum-file', C, 'p', true, 'sha512')])?.checksum.algorithm).toBe('sha512')
  })

  it('takes a secondary value only when two different hosts publish it', () => {
    expect(chooseReference([seen('checksum-file', A, 's1', false)])).toBeUndefined()
    expect(chooseReference([seen('checksum-file', A, 's1', false), seen('headers', A, 's1', false)])).toBeUndefined()
    expect(chooseReference([seen('checksum-file', A, 's1', false), seen('checksum-file', B, 's2', false)])).toBeUndefined()
    const agreed = chooseReference([seen('checksum-file', A, 's1', false), seen('headers', A, 's2', false)])
    expect(agreed).toEqual({checksum: {algorithm: 'sha256', hex: A}, source: 'mirrors-agree', location: 's1, s2'})
    expect(describeReference(agreed!)).toBe('sha256 published alike by s1, s2')
  })

  it('lets the primary overrule agreeing secondaries, and a signed value count from any host', () => {
    const secondaries = [seen('checksum-file', A, 's1', false), seen('checksum-file', A, 's2', false)]
    expect(chooseReference([...secondaries, seen('checksum-file', B, 'p', true)])?.checksum.hex).toBe(B)
    expect(chooseReference([...secondaries, seen('signed-checksum-file', C, 's3', false, 'sha512')])?.source).toBe('signed-checksum-file')
  })
})

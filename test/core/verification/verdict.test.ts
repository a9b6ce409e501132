// Tests how checks become verdicts, and that the pure name, size and digest checks compare what they should.
import {describe, expect, it} from 'vitest'
import {checkDigests} from '../../../src/core/verification/digests.js'
import {checkName} from '../../../src/core/verification/name.js'
import {checkSize} from '../../../src/core/verification/size.js'
import {decideVerdict} from '../../../src/core/verification/verdict.js'

const info = (finalUrl: string, name?: string) => ({finalUrl, name, acceptsRanges: true, digests: [], links: []})

describe('checks', () => {
  it('compares the name after redirects, decoded, or the Content-Disposition name', () => {
    expect(checkName(info('http://h/a/my%20file.iso'), 'my file.iso')?.ok).toBe(true)
    expect(checkName(info('http://h/a/other.iso'), 'file.iso')).toMatchObject({ok: false, found: 'other.iso'})
    expect(checkName(info('http://h/download?id=3', 'file.iso'), 'file.iso')?.ok).toBe(true)
  })

  it('compares sizes only when both are known', () => {
    expect(checkSize(undefined, 10)).toBeUndefined()
    expect(checkSize(9, 10)).toMatchObject({ok: false, expected: '10', found: '9'})
  })

  it('compares digests of shared algorithms only, case-insensitively', () => {
    const checks = checkDigests([{algorithm: 'sha256', hex: 'ABCD'}, {algorithm: 'md5', hex: '00'}], [{algorithm: 'sha256', hex: 'abcd'}])
    expect(checks).toHaveLength(1)
    expect(checks[0]!.ok).toBe(true)
    expect(checkDigests([{algorithm: 'sha256', hex: 'ab'}], [{algorithm: 'sha256', hex: 'cd'}])[0]!.ok).toBe(false)
  })
})

describe('decideVerdict', () => {
  it('is a mismatch when any check fails, naming expected and found', () => {
    const verdict = decideVerdict({checks: [{name: 'size', ok: false, expected: '10', found: '9'}], notes: []})
    expect(verdict.status).toBe('mismatch')
    expect(verdict.summary).toContain('expected 10, found 9')
  })

  it('is unverified when only the name matched', () => {
    expect(decideVerdict({checks: [{name: 'name', ok: true}], notes: ['no samples']}).status).toBe('unverified')
  })

  it('is unreachable with the error code', () => {
    const verdict = decideVerdict({checks: [], notes: [], error: {code: 'ECONNREFUSED', message: 'refused'}})
    expect(verdict).toMatchObject({status: 'unreachable', error: {code: 'ECONNREFUSED'}})
  })

  it('is ok when content was compared, and keeps the notes in the summary', () => {
    const verdict = decideVerdict({checks: [{name: 'size', ok: true}], notes: ['no range support'], modifiedAt: new Date(0)})
    expect(verdict).toMatchObject({status: 'ok', modifiedAt: '1970-01-01T00:00:00.000Z'})
    expect(verdict.summary).toContain('no range support')
  })
})

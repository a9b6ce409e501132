// Every name mirrorkit creates passes one sanitiser: no path, no control characters, no hidden or reserved names, at most 255 bytes.
import {describe, expect, it} from 'vitest'
import {outputName, sanitiseFileName} from '../../src/core/output-name.js'

describe('output names', () => {
  it('keeps only the last path segment, of either slash', () => {
    expect(sanitiseFileName('../../etc/passwd')).toBe('passwd')
    expect(sanitiseFileName('..\\windows\\evil.exe')).toBe('evil.exe')
  })

  it('drops C0 and C1 control characters and DEL', () => {
    expect(sanitiseFileName('a\u0000b\nc.iso')).toBe('abc.iso')
    expect(sanitiseFileName('a\u001b[2Jb\u007f\u0085\u009b.iso')).toBe('a[2Jb.iso')
  })

  it('collapses "..", and strips leading and trailing dots and spaces', () => {
    expect(sanitiseFileName('x..y')).toBe('x.y')
    expect(sanitiseFileName('.bashrc')).toBe('bashrc')
    expect(sanitiseFileName(' f.iso. ')).toBe('f.iso')
    expect(sanitiseFileName('..')).toBeUndefined()
    expect(sanitiseFileName('')).toBeUndefined()
  })

  it('does not create a device name Windows reserves, with or without an extension', () => {
    expect(sanitiseFileName('CON')).toBe('_CON')
    expect(sanitiseFileName('nul.txt')).toBe('_nul.txt')
    expect(sanitiseFileName('com1')).toBe('_com1')
    expect(sanitiseFileName('LPT9.iso')).toBe('_LPT9.iso')
    expect(sanitiseFileName('console.iso')).toBe('console.iso')
    expect(sanitiseFileName('com10')).toBe('com10')
  })

  it('caps the name at 255 bytes without splitting a character', () => {
    const long = sanitiseFileName('é'.repeat(300))!
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255)
    expect(long).toBe('é'.repeat(127))
    expect(sanitiseFileName(`${'a'.repeat(254)} .iso`)).toBe('a'.repeat(254))
  })

  it('names the output "download" when nothing safe remains', () => {
    expect(outputName(undefined)).toBe('download')
    expect(outputName('../..')).toBe('download')
    expect(outputName('f.iso')).toBe('f.iso')
  })
})

// File names from Content-Disposition and URLs are decoded and reduced to one safe path segment.
import {describe, expect, it} from 'vitest'
import {nameFromContentDisposition, nameFromUrl, remoteFileName} from '../../src/core/content-disposition.js'

describe('content disposition', () => {
  it('reads quoted, bare and RFC 5987 names, preferring filename*', () => {
    expect(nameFromContentDisposition('attachment; filename="a b.iso"')).toBe('a b.iso')
    expect(nameFromContentDisposition('attachment; filename=plain.tar.gz')).toBe('plain.tar.gz')
    expect(nameFromContentDisposition(`attachment; filename="fallback.iso"; filename*=UTF-8''%E2%82%AC%20rates.iso`)).toBe('€ rates.iso')
    expect(nameFromContentDisposition(`attachment; filename*=iso-8859-1'en'%E9t%E9.txt`)).toBe('été.txt')
    expect(nameFromContentDisposition('attachment; filename="say \\"hi\\".txt"')).toBe('say "hi".txt')
    expect(nameFromContentDisposition('inline')).toBeUndefined()
  })

  it('never yields a path, a hidden file, control characters or ..', () => {
    expect(nameFromContentDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd')
    expect(nameFromContentDisposition('attachment; filename="..\\\\windows\\\\evil.exe"')).toBe('evil.exe')
  })

  it('falls back to the last URL segment, percent-decoded and sanitised', () => {
    expect(nameFromUrl('http://h/pub/debian%2012.iso?x=1')).toBe('debian 12.iso')
    expect(nameFromUrl('http://h/a/..%2F..%2Fetc%2Fpasswd')).toBe('passwd')
    expect(nameFromUrl('http://h/dir/')).toBeUndefined()
    expect(nameFromUrl('http://h/bad%zz.iso')).toBe('bad%zz.iso')
    expect(remoteFileName(undefined, new URL('http://h/f.bin'))).toBe('f.bin')
    expect(remoteFileName('attachment; filename=".."', 'http://h/f.bin')).toBe('f.bin')
  })
})

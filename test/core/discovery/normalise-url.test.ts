import {describe, expect, it} from 'vitest'
import {lastSegment, normaliseUrl} from '../../../src/core/discovery/normalise-url.js'

describe('normaliseUrl', () => {
  it.each([
    ['HTTP://Mirror.EXAMPLE:80/a/./b/../c.iso#frag', 'http://mirror.example/a/c.iso'],
    ['https://mirror.example:443/x?y=1', 'https://mirror.example/x?y=1'],
    ['https://mirror.example:8443/x', 'https://mirror.example:8443/x'],
    ['FTP://Ftp.Example:21/pub/../pub/f.iso', 'ftp://ftp.example/pub/f.iso'],
    ['SFTP://Host.Example:22/home/u/./f.iso#x', 'sftp://host.example/home/u/f.iso'],
    ['sftp://Host.Example:2222/a/b/../f.iso', 'sftp://host.example:2222/a/f.iso'],
    ['ftps://user:pw@Host.Example:990/f.iso', 'ftps://user:pw@host.example/f.iso'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseUrl(input)).toEqual({ok: true, url: expected})
  })

  it.each([
    ['javascript:alert(1)//f.iso', 'javascript'],
    ['data:text/plain,f.iso', 'data'],
    ['file:///etc/f.iso', 'file'],
    ['gopher://x.example/f.iso', 'gopher'],
  ])('drops %s as scheme %s', (input, scheme) => {
    expect(normaliseUrl(input)).toEqual({ok: false, reason: 'scheme', scheme})
  })

  it('calls unparsable URLs malformed', () => {
    expect(normaliseUrl('http://')).toEqual({ok: false, reason: 'malformed'})
    expect(normaliseUrl('not a url')).toEqual({ok: false, reason: 'malformed'})
    expect(normaliseUrl('http://[::1')).toEqual({ok: false, reason: 'malformed'})
  })

  it('gives the decoded last segment', () => {
    expect(lastSegment('http://x.example/a/my%20file.iso?x=1')).toBe('my file.iso')
    expect(lastSegment('http://x.example/a/')).toBe('')
  })
})

// aria2c input files: the example of aria2's manual, options, comments, and malformed lists refused with their line.
import {describe, expect, it} from 'vitest'
import {parseAria2Input} from '../../../src/core/batch/aria2-input-parse.js'
import {MirrorError} from '../../../src/core/errors.js'

/** The "Input File" example of the aria2c manual, with the tab aria2 expects between the two URIs. */
const MANUAL_EXAMPLE = 'http://server/file.iso\thttp://mirror/file.iso\n  dir=/iso_images\n  out=file.img\nhttp://foo/bar\n'
const SHA256 = 'a'.repeat(64)

function errorOf(text: string): MirrorError {
  try {
    parseAria2Input(text)
  } catch (error) {
    return error as MirrorError
  }
  throw new Error('expected an error')
}

describe('parseAria2Input', () => {
  it('reads the manual\'s example: two mirrors of file.iso saved as /iso_images/file.img, then bar', () => {
    const {entries, warnings} = parseAria2Input(MANUAL_EXAMPLE)
    expect(entries).toEqual([
      {urls: ['http://server/file.iso', 'http://mirror/file.iso'], dir: '/iso_images', out: 'file.img', checksums: [], line: 1},
      {urls: ['http://foo/bar'], checksums: [], line: 4},
    ])
    expect(warnings).toEqual([])
  })

  it('reads the example as the manual prints it, with spaces, the same way', () => {
    expect(parseAria2Input(MANUAL_EXAMPLE.replace('\t', ' ')).entries[0]!.urls).toEqual(['http://server/file.iso', 'http://mirror/file.iso'])
  })

  it('takes checksum=TYPE=DIGEST, skips comments and blank lines, and accepts tab-indented options', () => {
    const text = `# a release\n\nhttps://a.example/f.iso\tftp://b.example/pub/f.iso\n\tchecksum=sha-256=${SHA256.toUpperCase()}\n`
    expect(parseAria2Input(text).entries).toEqual([{urls: ['https://a.example/f.iso', 'ftp://b.example/pub/f.iso'], checksums: [{algorithm: 'sha256', hex: SHA256}], line: 3}])
  })

  it('names each unknown option once, with its lines, and otherwise ignores it', () => {
    const text = 'http://a/1\n  split=4\n  header=X: y\nhttp://a/2\n  split=8\n'
    const {entries, warnings} = parseAria2Input(text)
    expect(entries).toHaveLength(2)
    expect(warnings).toEqual([
      'input file: option "split" is not used by mirrorkit and was ignored (lines 2, 5)',
      'input file: option "header" is not used by mirrorkit and was ignored (line 3)',
    ])
  })

  it.each([
    ['an option before any URI', '  out=x\nhttp://a/f\n', 1, 'before any line of URIs'],
    ['an option without "="', 'http://a/f\n  out\n', 2, 'name=value'],
    ['a URI that is not a URL', 'http://a/f\nnot a url\n', 2, 'is not a URL'],
    ['an unsupported scheme', 'http://a/f\nmagnet:?xt=urn:btih:abc\n', 2, 'unsupported scheme'],
    ['an unknown checksum type', 'http://a/f\n  checksum=sha-224=abcd\n', 2, 'TYPE=DIGEST'],
    ['a digest of the wrong length', 'http://a/f\n  checksum=sha-256=abcd\n', 2, 'not a sha256 digest'],
    ['an out= that climbs out of the directory', 'http://a/f\n  out=../../etc/passwd\n', 2, '".." segment'],
    ['an absolute out=', 'http://a/f\n  out=/etc/passwd\n', 2, 'absolute path'],
  ])('refuses %s, naming line %i', (_, text, line, message) => {
    const error = errorOf(text)
    expect(error.code).toBe('EINPUT')
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain(`line ${line}:`)
    expect(error.message).toContain(message)
    expect(error.message).toContain('nothing was downloaded')
  })
})

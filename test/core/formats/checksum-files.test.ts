import {describe, expect, it} from 'vitest'
import {checksumsFor, parseChecksumFile} from '../../../src/core/formats/checksum-files.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(128)

describe('checksum files', () => {
  it('reads GNU text and binary lines and BSD tagged lines, skipping everything else', () => {
    const text = [
      '-----BEGIN PGP SIGNED MESSAGE-----',
      'Hash: SHA256',
      '',
      `${A}  debian.iso`,
      `${B} *other.iso`,
      `SHA512 (debian.iso) = ${C}`,
      `SHA256 (broken.iso) = 1234`,
      '# comment',
    ].join('\n')
    expect(parseChecksumFile(text)).toEqual([
      {algorithm: 'sha256', hex: A, name: 'debian.iso'},
      {algorithm: 'sha256', hex: B, name: 'other.iso'},
      {algorithm: 'sha512', hex: C, name: 'debian.iso'},
    ])
  })

  it('keeps only the lines for our file name (or ./name)', () => {
    const text = `${B}  debian.iso.torrent\n${A} *./debian.iso\r\n${B}  sub/debian.iso\n`
    expect(checksumsFor(text, 'debian.iso')).toEqual([{algorithm: 'sha256', hex: A}])
    expect(checksumsFor(text, 'missing.iso')).toEqual([])
  })

  it('reads a name with a space in GNU format', () => {
    expect(parseChecksumFile(`${A}  x y.bin\n`)).toEqual([{algorithm: 'sha256', hex: A, name: 'x y.bin'}])
  })
})

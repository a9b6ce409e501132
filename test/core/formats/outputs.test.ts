import {describe, expect, it} from 'vitest'
import {writeAria2Input} from '../../../src/core/formats/aria2-input.js'
import {csvCell, writeCsv} from '../../../src/core/formats/csv.js'
import {parseMetalink} from '../../../src/core/formats/metalink-parse.js'
import {writeMetalink} from '../../../src/core/formats/metalink-write.js'
import {emptyMirrorSet, type MirrorSet} from '../../../src/core/model.js'

const SHA256 = 'e'.repeat(64)

function sample(): MirrorSet {
  const set = emptyMirrorSet({name: 'a&b <1>.iso', size: 10, checksums: [{algorithm: 'md5', hex: 'f'.repeat(32)}, {algorithm: 'sha256', hex: SHA256}]})
  set.candidates.push(
    {url: 'http://one.example/a&b%20%3C1%3E.iso', foundBy: ['primary'], location: 'de'},
    {url: 'https://u:pw@two.example/x.iso', foundBy: ['list', 'search:bing'], priority: 5},
  )
  return set
}

describe('output formats', () => {
  it('metalink v4 round-trips through our parser, escaped, redacted, with priorities', () => {
    const document = parseMetalink(writeMetalink(sample()))
    expect(document.files).toEqual([
      {
        name: 'a&b <1>.iso',
        size: 10,
        checksums: [
          {algorithm: 'sha256', hex: SHA256},
          {algorithm: 'md5', hex: 'f'.repeat(32)},
        ],
        urls: [
          {url: 'http://one.example/a&b%20%3C1%3E.iso', priority: 1, location: 'de'},
          {url: 'https://u:***@two.example/x.iso', priority: 5},
        ],
      },
    ])
  })

  it('aria2 input: tab-separated mirrors on one line, then out= and the strongest checksum', () => {
    expect(writeAria2Input(sample())).toBe(
      `http://one.example/a&b%20%3C1%3E.iso\thttps://u:***@two.example/x.iso\n  out=a&b <1>.iso\n  checksum=sha-256=${SHA256}\n`,
    )
  })

  it('CSV quotes, defuses formulas and redacts', () => {
    expect(csvCell('=cmd()')).toBe("'=cmd()")
    expect(csvCell('a,"b"')).toBe('"a,""b"""')
    expect(writeCsv(sample()).split('\r\n')).toEqual([
      'url,found_by,priority,location,verdict,score,bytes_per_second',
      'http://one.example/a&b%20%3C1%3E.iso,primary,,de,,,',
      'https://u:***@two.example/x.iso,list search:bing,5,,,,',
      '',
    ])
  })
})

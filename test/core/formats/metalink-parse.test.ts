import {describe, expect, it} from 'vitest'
import {parseMetalink} from '../../../src/core/formats/metalink-parse.js'

const SHA256 = 'a'.repeat(64)
const SHA1 = 'b'.repeat(40)

const v4 = `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <published>2024-01-01T00:00:00Z</published>
  <file name="example.iso">
    <size>524288</size>
    <hash type="sha-1">${SHA1}</hash>
    <hash type="sha-256">${SHA256.toUpperCase()}</hash>
    <hash type="sha-384">${'c'.repeat(96)}</hash>
    <pieces length="262144" type="sha-256">
      <hash>${'1'.repeat(64)}</hash>
      <hash>${'2'.repeat(64)}</hash>
    </pieces>
    <url location="de" priority="1">http://one.example/example.iso</url>
    <url priority="10">ftp://two.example/pub/example.iso?a=1&amp;b=2</url>
    <metaurl mediatype="torrent">http://t.example/example.torrent</metaurl>
  </file>
</metalink>`

const v3 = `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" xmlns:mm0="http://fedorahosted.org/mirrormanager">
  <files>
    <file name="repomd.xml">
      <mm0:timestamp>1700000000</mm0:timestamp>
      <size>2048</size>
      <verification>
        <hash type="sha256">${SHA256}</hash>
        <hash type="md5">${'d'.repeat(32)}</hash>
        <pieces length="1024" type="sha1">
          <hash piece="1">${'2'.repeat(40)}</hash>
          <hash piece="0">${'1'.repeat(40)}</hash>
        </pieces>
      </verification>
      <resources maxconnections="1">
        <url protocol="https" type="https" location="US" preference="100">https://mirror.example/repomd.xml</url>
        <url protocol="http" type="http" location="FR" preference="97">http://other.example/repomd.xml</url>
        <url type="bittorrent" preference="50">http://t.example/x.torrent</url>
      </resources>
    </file>
  </files>
</metalink>`

describe('parseMetalink', () => {
  it('reads a v4 file: size, hashes strongest first, pieces, urls with priority and location', () => {
    const document = parseMetalink(v4)
    expect(document.version).toBe(4)
    expect(document.warnings).toEqual([{code: 'EMETALINKSKIP', message: 'file "example.iso": hash type "sha-384" is not supported; skipped'}])
    expect(document.files).toEqual([
      {
        name: 'example.iso',
        size: 524288,
        checksums: [
          {algorithm: 'sha256', hex: SHA256},
          {algorithm: 'sha1', hex: SHA1},
        ],
        pieces: {length: 262144, algorithm: 'sha256', hashes: ['1'.repeat(64), '2'.repeat(64)]},
        urls: [
          {url: 'http://one.example/example.iso', priority: 1, location: 'de'},
          {url: 'ftp://two.example/pub/example.iso?a=1&b=2', priority: 10},
        ],
      },
    ])
  })

  it('reads a v3 file: verification hashes, numbered pieces, preference turned into priority, torrents skipped', () => {
    const document = parseMetalink(v3)
    expect(document.version).toBe(3)
    const [file] = document.files
    expect(file?.checksums).toEqual([
      {algorithm: 'sha256', hex: SHA256},
      {algorithm: 'md5', hex: 'd'.repeat(32)},
    ])
    expect(file?.pieces).toEqual({length: 1024, algorithm: 'sha1', hashes: ['1'.repeat(40), '2'.repeat(40)]})
    expect(file?.urls).toEqual([
      {url: 'https://mirror.example/repomd.xml', priority: 1, location: 'us', maxConnections: 1},
      {url: 'http://other.example/repomd.xml', priority: 4, location: 'fr', maxConnections: 1},
    ])
  })

  it.each([
    ['/etc/passwd', 'absolute'],
    ['../../evil', '".."'],
    ['a/../../b', '".."'],
    ['dir\\evil.exe', 'backslash'],
    ['C:evil', 'drive letter'],
    ['', 'empty'],
  ])('rejects the unsafe name %j with a reason, keeping the safe files', (name, reason) => {
    const text = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="${name.replace(/\0/g, '&#0;')}"><url>http://x.example/a</url></file><file name="ok.bin"><size>3</size></file></metalink>`
    const document = parseMetalink(text.replace('&#0;', '\0'))
    expect(document.files.map((file) => file.name)).toEqual(['ok.bin'])
    expect(document.warnings).toHaveLength(1)
    expect(document.warnings[0]?.code).toBe('EUNSAFENAME')
    expect(document.warnings[0]?.message).toContain(reason)
  })

  it('refuses billion laughs and external entities outright (EXMLENTITY)', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><url>http://x.example/&lol2;</url></file></metalink>`
    const external = `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><url>&xxe;</url></file></metalink>`
    expect(() => parseMetalink(laughs)).toThrow(expect.objectContaining({code: 'EXMLENTITY'}))
    expect(() => parseMetalink(external)).toThrow(expect.objectContaining({code: 'EXMLENTITY'}))
  })

  it('refuses undeclared entities and NUL characters as not well-formed (EXML), with the line and column', () => {
    expect(() => parseMetalink(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><url>http://x.example/&lol;</url></file></metalink>`)).toThrow(
      expect.objectContaining({code: 'EXML', message: expect.stringMatching(/^not well-formed XML: line 1, column \d+: undefined entity/)}),
    )
    expect(() => parseMetalink(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="evil\0.iso"/></metalink>`)).toThrow(
      expect.objectContaining({code: 'EXML'}),
    )
  })

  it('refuses documents over the size limit (ETOOLARGE), nested too deep (EXMLDEPTH) or with too many elements (EXMLCOUNT)', () => {
    const big = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a">${'<url>http://x.example/a</url>'.repeat(200_000)}</file></metalink>`
    expect(() => parseMetalink(big)).toThrow(expect.objectContaining({code: 'ETOOLARGE'}))
    const deep = `<metalink>${'<x>'.repeat(100)}${'</x>'.repeat(100)}</metalink>`
    expect(() => parseMetalink(deep)).toThrow(expect.objectContaining({code: 'EXMLDEPTH'}))
    const many = `<metalink><file name="a">${'<url/>'.repeat(1000)}</file></metalink>`
    expect(() => parseMetalink(many, {limits: {maxBytes: 1 << 20, maxDepth: 32, maxElements: 500, maxFiles: 10, maxUrlsPerFile: 10}})).toThrow(
      expect.objectContaining({code: 'EXMLCOUNT'}),
    )
  })

  it('refuses a document that is not a metalink (EMETALINK) and drops malformed sizes, hashes and priorities with a warning each', () => {
    expect(() => parseMetalink('<html><body>hi</body></html>')).toThrow(expect.objectContaining({code: 'EMETALINK'}))
    const document = parseMetalink(
      `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>-5</size><hash type="sha-256">xyz</hash><url priority="0" location="germany">http://x.example/a</url></file></metalink>`,
    )
    expect(document.files[0]).toEqual({name: 'a', checksums: [], urls: [{url: 'http://x.example/a'}]})
    expect(document.warnings.map((warning) => warning.message)).toEqual([
      'file "a": size "-5" is not a byte count; dropped',
      'file "a": sha-256 value "xyz" is not a sha256 digest; dropped',
      'file "a": priority "0" is not in 1..999999; the URL is kept without one',
      'file "a": location "germany" is not a two-letter country code; dropped',
    ])
    expect(new Set(document.warnings.map((warning) => warning.code))).toEqual(new Set(['EMETALINKVALUE']))
  })

  it('reads a namespace bound to a prefix exactly like the default namespace', () => {
    const prefixed = v4.replace('<metalink xmlns=', '<ml:metalink xmlns:ml=').replace('</metalink>', '</ml:metalink>').replace(/<(\/?)(file|size|hash|pieces|url|metaurl|published)\b/g, '<$1ml:$2')
    expect(prefixed).toContain('<ml:file name="example.iso">')
    expect(parseMetalink(prefixed)).toEqual(parseMetalink(v4))
    // An element in another namespace is not a metalink's, whatever its local name.
    const foreign = `<metalink xmlns="urn:ietf:params:xml:ns:metalink" xmlns:x="urn:other"><file name="a"><x:url>http://evil.example/a</x:url><url>http://ok.example/a</url></file></metalink>`
    expect(parseMetalink(foreign).files[0]?.urls).toEqual([{url: 'http://ok.example/a'}])
  })

  it('resolves relative URLs against the document URL, and skips them with ERELATIVEURL when there is none', () => {
    const text = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><url>../pub/a</url><url>//cdn.example/a</url><url>ftp://f.example/a</url></file></metalink>`
    expect(parseMetalink(text, {base: 'https://meta.example/x/y/a.meta4'}).files[0]?.urls.map((url) => url.url)).toEqual([
      'https://meta.example/x/pub/a',
      'https://cdn.example/a',
      'ftp://f.example/a',
    ])
    const local = parseMetalink(text)
    expect(local.files[0]?.urls.map((url) => url.url)).toEqual(['ftp://f.example/a'])
    expect(local.warnings.map((warning) => warning.code)).toEqual(['ERELATIVEURL', 'ERELATIVEURL'])
  })

  it('checks pieces whole: count against size, numbering, type, length; keeps the strongest valid set', () => {
    const pieces = (type: string, length: string, hashes: string[], numbered = false) =>
      `<pieces type="${type}" length="${length}">${hashes.map((hash, index) => `<hash${numbered ? ` piece="${index === 1 ? 'x' : index}"` : ''}>${hash}</hash>`).join('')}</pieces>`
    const text = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>3000</size>
      ${pieces('zsync', '1024', ['00', '11', '22'])}
      ${pieces('sha-1', '1024', ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40)])}
      ${pieces('sha-256', '1024', ['1'.repeat(64), '2'.repeat(64)])}
      ${pieces('sha-512', 'big', ['1'.repeat(128)])}
      <url>http://x.example/a</url></file></metalink>`
    const document = parseMetalink(text)
    expect(document.files[0]?.pieces).toEqual({length: 1024, algorithm: 'sha1', hashes: ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40)]})
    expect(document.warnings.map((warning) => `${warning.code} ${warning.message}`)).toEqual([
      'EMETALINKSKIP file "a": pieces of type "zsync" are not supported; skipped',
      'EMETALINKVALUE file "a": sha-256 pieces list 2 hashes, but 3000 bytes in pieces of 1024 make 3; dropped',
      'EMETALINKVALUE file "a": sha-512 pieces with length "big" dropped',
    ])
  })

  it('refuses a truncated document and one without files (EXML, EMETALINK) instead of returning part of it', () => {
    const cut = v4.slice(0, v4.indexOf('<url priority="10"'))
    expect(() => parseMetalink(cut)).toThrow(expect.objectContaining({code: 'EXML', message: expect.stringContaining('unclosed tag')}))
    expect(() => parseMetalink('<metalink xmlns="urn:ietf:params:xml:ns:metalink"/>')).toThrow(expect.objectContaining({code: 'EMETALINK'}))
  })

  // The values aria2's MetalinkProcessorTest (testParseFileV4_attrs, testBadSizeV4, testBadPieceNo) refuses.
  const file = (inside: string) => `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>2048</size>${inside}<url>http://x.example/a</url></file></metalink>`
  const sha1 = (digit: string) => digit.repeat(40)
  it.each([
    ['url priority 0', '<url priority="0">http://y.example/a</url>', 'priority "0" is not in 1..999999; the URL is kept without one'],
    ['url priority 1000000', '<url priority="1000000">http://y.example/a</url>', 'priority "1000000" is not in 1..999999; the URL is kept without one'],
    ['url priority A', '<url priority="A">http://y.example/a</url>', 'priority "A" is not in 1..999999; the URL is kept without one'],
    ['a hash without a type', `<hash>${sha1('1')}</hash>`, 'a <hash> without a type was dropped'],
    ['pieces without a type', `<pieces length="1024"><hash>${sha1('1')}</hash><hash>${sha1('2')}</hash></pieces>`, '<pieces> without a type dropped'],
    ['pieces with length A', `<pieces length="A" type="sha-1"><hash>${sha1('1')}</hash></pieces>`, 'sha-1 pieces with length "A" dropped'],
    ['fewer piece hashes than pieces', `<pieces length="1024" type="sha-1"><hash>${sha1('1')}</hash></pieces>`, 'sha-1 pieces list 1 hashes, but 2048 bytes in pieces of 1024 make 2; dropped'],
  ])('drops %s with a warning that names it (aria2 refuses the whole document)', (_, inside, message) => {
    const document = parseMetalink(file(inside))
    expect(document.warnings.map((warning) => warning.message)).toEqual([`file "a": ${message}`])
    expect(document.files[0]?.checksums).toEqual([])
    expect(document.files[0]?.pieces).toBeUndefined()
    expect(document.files[0]?.urls.map((url) => url.priority)).not.toContain(0)
  })

  it('drops a size of -1 and a v3 piece number that is not a number, as aria2 does for the size (it refuses) and the piece set (it skips)', () => {
    expect(parseMetalink(file('').replace('<size>2048</size>', '<size>-1</size>')).warnings.map((warning) => warning.code)).toEqual(['EMETALINKVALUE'])
    const v3 = `<metalink version="3.0" xmlns="http://www.metalinker.org/"><files><file name="a"><verification>
      <pieces length="512" type="sha1"><hash piece="0">${sha1('1')}</hash><hash piece="xyz">${sha1('2')}</hash></pieces>
      <pieces length="1024" type="sha1"><hash piece="0">${sha1('3')}</hash></pieces></verification></file></files></metalink>`
    const document = parseMetalink(v3)
    expect(document.files[0]?.pieces).toEqual({length: 1024, algorithm: 'sha1', hashes: [sha1('3')]})
    expect(document.warnings.map((warning) => warning.message)).toEqual(['file "a": sha1 piece number "xyz" is not valid; those pieces dropped'])
  })
})

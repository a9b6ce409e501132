import {describe, expect, it} from 'vitest'
import {parseMetalink} from '../../../src/core/formats/metalink-parse.js'

const SHA256 = 'a'.repeat(64)
const SHA1 = 'b'.repeat(40)

const v4 = `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <published>2024-01-01T00:00:00Z</published>
  <file name="example.iso">
    <size>1048576</size>
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
      <size>4096</size>
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
    expect(document.warnings).toEqual([])
    expect(document.files).toEqual([
      {
        name: 'example.iso',
        size: 1048576,
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
      {url: 'https://mirror.example/repomd.xml', priority: 1, location: 'us'},
      {url: 'http://other.example/repomd.xml', priority: 4, location: 'fr'},
    ])
  })

  it.each([
    ['/etc/passwd', 'absolute'],
    ['../../evil', '".."'],
    ['a/../../b', '".."'],
    ['dir\\evil.exe', 'backslash'],
    ['C:evil', 'drive letter'],
    ['evil\0.iso', 'NUL'],
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

  it('leaves undeclared entities unexpanded (no DTD, no expansion)', () => {
    const document = parseMetalink(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><url>http://x.example/&lol;</url></file></metalink>`)
    expect(document.files[0]?.urls[0]?.url).toBe('http://x.example/&lol;')
  })

  it('refuses documents over the size limit (ETOOLARGE), nested too deep (EXMLDEPTH) or with too many elements (EXMLCOUNT)', () => {
    const big = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a">${'<url>http://x.example/a</url>'.repeat(200_000)}</file></metalink>`
    expect(() => parseMetalink(big)).toThrow(expect.objectContaining({code: 'ETOOLARGE'}))
    const deep = `<metalink>${'<x>'.repeat(100)}${'</x>'.repeat(100)}</metalink>`
    expect(() => parseMetalink(deep)).toThrow(expect.objectContaining({code: 'EXMLDEPTH'}))
    const many = `<metalink><file name="a">${'<url/>'.repeat(1000)}</file></metalink>`
    expect(() => parseMetalink(many, {maxBytes: 1 << 20, maxDepth: 32, maxElements: 500, maxFiles: 10, maxUrlsPerFile: 10})).toThrow(
      expect.objectContaining({code: 'EXMLCOUNT'}),
    )
  })

  it('refuses a document that is not a metalink (EMETALINK) and ignores malformed sizes, hashes and priorities', () => {
    expect(() => parseMetalink('<html><body>hi</body></html>')).toThrow(expect.objectContaining({code: 'EMETALINK'}))
    const document = parseMetalink(
      `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>-5</size><hash type="sha-256">xyz</hash><url priority="0" location="germany">http://x.example/a</url></file></metalink>`,
    )
    expect(document.files[0]).toEqual({name: 'a', checksums: [], urls: [{url: 'http://x.example/a'}]})
  })
})

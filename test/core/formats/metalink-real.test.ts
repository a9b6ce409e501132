import {readFile} from 'node:fs/promises'
import {describe, expect, it} from 'vitest'
import {parseMetalink} from '../../../src/core/formats/metalink-parse.js'

// Metalinks that real producers and the reference implementations' own tests publish (see test/fixtures/real/README.md).
const fixture = (name: string) => readFile(new URL(`../../fixtures/real/${name}`, import.meta.url), 'utf8')
const codes = (warnings: {code: string}[]) => warnings.map((warning) => warning.code)

describe('metalinks published by aria2, librepo (Fedora mirrormanager) and MirrorBrain', () => {
  it('aria2 test/metalink4.xml: as aria2 reads it (sha-1 file hash, the sha-256 pieces of the two, 2 URLs, the torrent metaurl not a mirror)', async () => {
    const document = parseMetalink(await fixture('aria2-metalink4.xml'))
    expect(document.version).toBe(4)
    const [file] = document.files
    expect(file).toEqual({
      name: 'example.ext',
      size: 786430,
      checksums: [{algorithm: 'sha1', hex: '0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33'}],
      pieces: {
        length: 262144,
        algorithm: 'sha256',
        hashes: [
          '0245178074fd042e19b7c3885b360fc21064b30e73f5626c7e3b005d048069c5',
          '487ba2299be7f759d7c7bf6a4ac3a32cee81f1bb9332fc485947e32918864fb2',
          '37290d74ac4d186e3a8e5785d259d2ec04fac91ae28092e7620ec8bc99e830aa',
        ],
      },
      urls: [
        {url: 'ftp://ftp.example.com/example.ext', priority: 1, location: 'de'},
        {url: 'http://example.com/example.ext', priority: 1, location: 'fr'},
      ],
    })
    // The file's md5 has 31 hex digits; aria2 never looks at it (it uses sha-1), mirrorkit says why it dropped it.
    expect(document.warnings).toEqual([{code: 'EMETALINKVALUE', message: 'file "example.ext": md5 value "cbd18db4cc2f85cedef654fccc4a4d8" is not a md5 digest; dropped'}])
  })

  it('aria2 test/test.xml (v3): five files, maxconnections, numbered pieces, unsupported types skipped, the torrent URL left out', async () => {
    const document = parseMetalink(await fixture('aria2-test.xml'))
    expect(document.version).toBe(3)
    expect(document.files.map((file) => file.name)).toEqual([
      'aria2-0.5.2.tar.bz2',
      'aria2-0.5.1.tar.bz2',
      'NoVerificationHash',
      'UnsupportedVerificationHashTypeIncluded',
      'torrent-http.integrated',
    ])
    const [first, second, third, fourth, fifth] = document.files
    expect(first?.size).toBeUndefined()
    expect(first?.checksums[0]).toEqual({algorithm: 'sha1', hex: 'a96cf3f0266b91d87d5124cf94326422800b627d'})
    expect(first?.urls).toEqual([
      {url: 'ftp://ftphost/aria2-0.5.2.tar.bz2', priority: 1, location: 'jp', maxConnections: 1},
      {url: 'http://httphost/aria2-0.5.2.tar.bz2', priority: 1, location: 'us', maxConnections: 1},
    ])
    expect(second?.size).toBe(345689)
    expect(second?.pieces).toEqual({length: 262144, algorithm: 'sha1', hashes: ['179463a88d79cbf0b1923991708aead914f26142', 'fecf8bc9a1647505fe16746f94e97a477597dbf3']})
    expect(third).toEqual({name: 'NoVerificationHash', checksums: [], urls: [{url: 'ftp://host/file', priority: 1}]})
    expect(fourth?.checksums).toEqual([{algorithm: 'sha1', hex: '4c255b0ed130f5ea880f0aa061c3da0487e251cc'}])
    expect(fourth?.pieces?.algorithm).toBe('sha1')
    expect(fifth?.urls).toEqual([{url: 'http://host/torrent-http.integrated', priority: 1}])
    expect(document.warnings.map((warning) => warning.message)).toEqual([
      'file "UnsupportedVerificationHashTypeIncluded": hash type "notsupported" is not supported; skipped',
      'file "UnsupportedVerificationHashTypeIncluded": pieces of type "notsupported" are not supported; skipped',
    ])
  })

  it('librepo metalink_good_01 (mirrormanager, Fedora 17): size 4309, 4 hashes, 106 URLs with urls[0] and urls[104] as librepo states', async () => {
    const document = parseMetalink(await fixture('librepo-metalink_good_01.xml'))
    expect(document.warnings).toEqual([])
    const [file] = document.files
    expect(file?.name).toBe('repomd.xml')
    expect(file?.size).toBe(4309)
    expect(file?.checksums.map((checksum) => `${checksum.algorithm}:${checksum.hex}`)).toEqual([
      'sha512:884dc465da67fee8fe3f11dab321a99d9a13b22ce97f84ceff210e82b6b1a8c635ccd196add1dd738807686714c3a0a048897e2d0650bc05302b3ee26de521fd',
      'sha256:0076c44aabd352da878d5c4d794901ac87f66afac869488f6a4ef166de018cdf',
      'sha1:4a5ae1831a567b58e2e0f0de1529ca199d1d8319',
      'md5:20b6d77930574ae541108e8e7987ad3f',
    ])
    expect(file?.urls).toHaveLength(106)
    // preference 99 -> priority 2, 48 -> 53 (aria2's mapping: 101 - preference).
    expect(file?.urls[0]).toEqual({url: 'http://mirror.pnl.gov/fedora/linux/releases/17/Everything/x86_64/os/repodata/repomd.xml', priority: 2, location: 'us', maxConnections: 1})
    expect(file?.urls[2]).toEqual({url: 'ftp://mirrors.syringanetworks.net/fedora/releases/17/Everything/x86_64/os/repodata/repomd.xml', priority: 3, location: 'us', maxConnections: 1})
    expect(file?.urls[104]).toEqual({url: 'rsync://mirror.csclub.uwaterloo.ca/fedora-enchilada/linux/releases/17/Everything/x86_64/os/repodata/repomd.xml', priority: 53, location: 'ca', maxConnections: 1})
    expect(file?.urls.filter((url) => /^(https?|ftp):/.test(url.url))).toHaveLength(83)
  })

  it('librepo metalink_good_02: three files, the one asked for found by name', async () => {
    const document = parseMetalink(await fixture('librepo-metalink_good_02.xml'))
    expect(document.files.map((file) => `${file.name}:${file.urls.length}`)).toEqual(['foofile:3', 'repomd.xml:3', 'barfile:3'])
    expect(document.files[1]?.urls[0]).toEqual({url: 'http://mirror.pnl.gov/fedora/linux/releases/17/Everything/x86_64/os/repodata/repomd.xml', priority: 4, location: 'us'})
  })

  it('librepo metalink_bad_01: parsed as librepo does, every bad value dropped with a warning that names it', async () => {
    const document = parseMetalink(await fixture('librepo-metalink_bad_01.xml'))
    const [file] = document.files
    expect(file?.size).toBeUndefined()
    expect(file?.checksums.map((checksum) => checksum.algorithm)).toEqual(['sha512', 'sha256', 'md5'])
    expect(file?.urls.map((url) => url.url)).toEqual([
      'http://mirror.pnl.gov/fedora/linux/releases/17/Everything/x86_64/os/repodata/repomd.xml',
      'ftp://mirrors.syringanetworks.net/fedora/releases/17/Everything/x86_64/os/repodata/repomd.xml',
      'rsync://mirrors.syringanetworks.net/fedora/releases/17/Everything/x86_64/os/repodata/repomd.xml',
    ])
    expect(file?.urls.every((url) => url.priority === undefined)).toBe(true)
    expect(codes(document.warnings)).toEqual(['EMETALINKVALUE', 'EMETALINKSKIP', 'EMETALINKVALUE', 'EMETALINKVALUE', 'EMETALINKSKIP'])
    expect(document.warnings.map((warning) => warning.message)).toEqual([
      'file "repomd.xml": size "bar" is not a byte count; dropped',
      'file "repomd.xml": hash type "foo" is not supported; skipped',
      'file "repomd.xml": preference "foobar" is not in 0..100; the URL is kept without one',
      'file "repomd.xml": preference "-5" is not in 0..100; the URL is kept without one',
      'file "repomd.xml": an empty <url> was skipped',
    ])
  })

  it('librepo metalink_really_bad_02 (cut short) and _03 (no files) are errors, as librepo says', async () => {
    await expect(fixture('librepo-metalink_really_bad_02.xml').then((text) => parseMetalink(text))).rejects.toMatchObject({
      code: 'EXML',
      message: expect.stringMatching(/^not well-formed XML: line \d+, column \d+: unclosed tag: /),
    })
    await expect(fixture('librepo-metalink_really_bad_03.xml').then((text) => parseMetalink(text))).rejects.toMatchObject({code: 'EMETALINK', message: 'the metalink lists no <file>'})
  })

  it('librepo metalink_with_alternates: the bad current hashes dropped, one usable alternate (2621 bytes) kept, the "foobar" one skipped', async () => {
    const document = parseMetalink(await fixture('librepo-metalink_with_alternates.xml'))
    const [file] = document.files
    expect(file?.size).toBe(4761)
    expect(file?.checksums).toEqual([])
    expect(file?.alternates).toEqual([
      {
        size: 2621,
        timestamp: 1347459931,
        checksums: [
          {algorithm: 'sha512', hex: 'e40060c747895562e945a68967a04d1279e4bd8507413681f83c322479aa564027fdf3962c2d875089bfcb9317d3a623465f390dc1f4acef294711168b807af0'},
          {algorithm: 'sha256', hex: 'bef5d33dc68f47adc7b31df448851b1e9e6bae27840f28700fff144881482a6a'},
          {algorithm: 'sha1', hex: '75125e73304c21945257d9041a908d0d01d2ca16'},
          {algorithm: 'md5', hex: 'f76409f67a84bcd516131d5cc98e57e1'},
        ],
      },
    ])
    expect(file?.urls).toEqual([{url: 'http://127.0.0.1:5000/yum/static/01/repodata/repomd.xml', priority: 1, location: 'cz', maxConnections: 1}])
    expect(codes(document.warnings)).toEqual(['EMETALINKVALUE', 'EMETALINKVALUE', 'EMETALINKVALUE', 'EMETALINKVALUE', 'EMETALINKVALUE', 'EMETALINKSKIP'])
  })

  it('MirrorBrain 2.18.1 (media.ccc.de): 577815354 bytes, 3 hashes, 28 sha-1 pieces of 20 MiB, 12 mirrors in priority order', async () => {
    const document = parseMetalink(await fixture('mirrorbrain-ccc-31c3.meta4'))
    expect(document.warnings).toEqual([])
    const [file] = document.files
    expect(file?.size).toBe(577815354)
    expect(file?.checksums.map((checksum) => checksum.algorithm)).toEqual(['sha256', 'sha1', 'md5'])
    expect(file?.checksums[0]?.hex).toBe('e9b8d1ddb90c2a6ea3a4ca4ddb4c04f85f8f23a88de94f9b5b5648f449ee418a')
    expect(file?.pieces?.length).toBe(20971520)
    expect(file?.pieces?.hashes).toHaveLength(28)
    expect(file?.pieces?.hashes[27]).toBe('33ba4c7d56cce8b909641d7a5a2b16601c0e187b')
    expect(file?.urls.map((url) => url.priority)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(file?.urls[0]).toEqual({url: 'http://mirror.netcologne.de/CCC/congress/2014/h264-hd/31c3-6264-de-en-Wir_beteiligen_uns_aktiv_an_den_Diskussionen_hd.mp4', priority: 1, location: 'de'})
    expect(file?.urls[11]?.location).toBe('us')
  })

  it('aria2 test/metalink4-attrs.xml: priorities 0, "" and 1000000 dropped with a warning each, the URLs kept (aria2 refuses the file)', async () => {
    const document = parseMetalink(await fixture('aria2-metalink4-attrs.xml'))
    expect(document.files[0]?.name).toBe('priority/example.ext')
    expect(document.files[0]?.urls).toEqual([
      {url: 'ftp://ftp.example.com/example.ext', location: 'de'},
      {url: 'http://example.com/example.ext', location: 'fr'},
      {url: 'http://example.org/example.ext', location: 'jp'},
    ])
    expect(document.warnings.map((warning) => warning.message)).toEqual([
      'file "priority/example.ext": priority "0" is not in 1..999999; the URL is kept without one',
      'file "priority/example.ext": priority "" is not in 1..999999; the URL is kept without one',
      'file "priority/example.ext": priority "1000000" is not in 1..999999; the URL is kept without one',
    ])
  })

  it('aria2 test/metalink4-dirtraversal.xml: all seven names refused (EUNSAFENAME each), as aria2 refuses them', async () => {
    const document = parseMetalink(await fixture('aria2-metalink4-dirtraversal.xml'))
    expect(document.files).toEqual([])
    expect(document.warnings.map((warning) => warning.message)).toEqual([
      'file name "/example1.ext" rejected: is an absolute path',
      'file name "./example2.ext" rejected: contains an empty or "." segment',
      'file name "../example3.ext" rejected: contains a ".." segment',
      'file name "dir/../example4.ext" rejected: contains a ".." segment',
      'file name "example5.ext/.." rejected: contains a ".." segment',
      'file name "." rejected: contains an empty or "." segment',
      'file name ".." rejected: contains a ".." segment',
    ])
  })

  it('aria2 test/metalink3-dirtraversal.xml: the ../ file skipped, aria2-0.5.3.tar.bz2 kept, as aria2 states', async () => {
    const document = parseMetalink(await fixture('aria2-metalink3-dirtraversal.xml'))
    expect(document.files.map((file) => file.name)).toEqual(['aria2-0.5.3.tar.bz2'])
    expect(document.files[0]?.urls).toEqual([{url: 'http://example.org/aria2-0.5.3.tar.bz2'}])
    expect(codes(document.warnings)).toEqual(['EUNSAFENAME'])
  })

  it('librepo metalink_with_alternates (mirrormanager, Fedora 19 updates): 4 hashes, 1 alternate of 4761 bytes with its 4 hashes, 184 URLs, as librepo states', async () => {
    const document = parseMetalink(await fixture('librepo-metalink_with_alternates_f19.xml'))
    expect(document.warnings).toEqual([])
    const [file] = document.files
    expect(file?.checksums).toHaveLength(4)
    expect(file?.checksums.find((checksum) => checksum.algorithm === 'md5')?.hex).toBe('0ffcd7798421c9a6760f3e4202cc4675')
    expect(file?.alternates).toHaveLength(1)
    expect(file?.alternates?.[0]).toMatchObject({timestamp: 1381706941, size: 4761})
    expect(file?.alternates?.[0]?.checksums).toHaveLength(4)
    expect(file?.alternates?.[0]?.checksums.find((checksum) => checksum.algorithm === 'md5')?.hex).toBe('0c5b64d395d5364633df7c8e97a07fd6')
    expect(file?.urls).toHaveLength(184)
    expect(file?.urls.filter((url) => url.url.startsWith('rsync:'))).toHaveLength(42)
    expect(file?.urls[0]).toEqual({url: 'ftp://ftp.mirrorservice.org/sites/dl.fedoraproject.org/pub/fedora/linux/updates/19/x86_64/repodata/repomd.xml', priority: 2, location: 'gb', maxConnections: 1})
  })
})

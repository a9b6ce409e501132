import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const data = makeContent(4096, 7)
const SHA = sha256Hex(data)
const metalink = (name: string, urls: string) => `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="${name}"><size>4096</size><hash type="sha-256">${SHA}</hash>${urls}</file>
</metalink>`

let mirror: HttpMirror
let directory: string
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(15_000)

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-metalink-'))
  mirror = await startHttpMirror({
    files: {
      '/pub/f.bin': data,
      '/pub/f.bin.meta4': metalink('f.bin', '<url priority="2" location="fr">http://b.example/f.bin</url><url priority="1">http://a.example/f.bin</url>'),
      '/evil.meta4': `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.bin"><url>http://evil.example/&b;</url></file></metalink>`,
      '/traversal.meta4': `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="../../etc/f.bin"><url>http://evil.example/f.bin</url></file></metalink>`,
      '/two.meta4': `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="one.bin"><url>http://a.example/one.bin</url></file><file name="two.bin"><url>http://a.example/two.bin</url></file></metalink>`,
      '/huge.meta4': `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.bin">${'<url>http://x.example/f.bin</url>'.repeat(160_000)}</file></metalink>`,
    },
  })
})

afterAll(async () => {
  await transports.close()
  await mirror.close()
  await rm(directory, {recursive: true, force: true})
})

describe('metalink source', () => {
  it('reads a metalink URL given as the argument: name, size, hash and URLs by priority', async () => {
    const set = await discover({argument: `${mirror.url}pub/f.bin.meta4`, transports}, {signal: signal()})
    expect(set.target).toEqual({name: 'f.bin', size: 4096, checksums: [{algorithm: 'sha256', hex: SHA}]})
    expect(set.candidates).toEqual([
      {url: 'http://a.example/f.bin', foundBy: ['metalink'], priority: 1},
      {url: 'http://b.example/f.bin', foundBy: ['metalink'], priority: 2, location: 'fr'},
    ])
    expect(set.warnings).toBeUndefined()
  })

  it('reads --metalink from a local file alongside a bare name', async () => {
    const file = join(directory, 'local.meta4')
    await writeFile(file, metalink('f.bin', '<url>ftp://c.example/pub/f.bin</url>'))
    const set = await discover({argument: 'f.bin', metalinks: [file], sources: ['metalink'], transports}, {signal: signal()})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual(['ftp://c.example/pub/f.bin'])
    expect(set.target.size).toBe(4096)
  })

  it.each([
    ['/evil.meta4', 'EXMLENTITY'],
    ['/traversal.meta4', 'EUNSAFENAME'],
    ['/huge.meta4', 'ETOOLARGE'],
  ])('turns the hostile %s into a %s warning with no candidates from it', async (path, code) => {
    const set = await discover({argument: 'f.bin', metalinks: [`${mirror.url}${path.slice(1)}`], sources: ['metalink'], transports}, {signal: signal()})
    expect(set.candidates).toEqual([])
    expect(set.warnings?.map((warning) => warning.code)).toEqual([code])
  })

  it('picks the file named like the query from a multi-file metalink, or the first with a warning when given only the metalink', async () => {
    const named = await discover({argument: 'two.bin', metalinks: [`${mirror.url}two.meta4`], sources: ['metalink'], transports}, {signal: signal()})
    expect(named.candidates.map((candidate) => candidate.url)).toEqual(['http://a.example/two.bin'])
    expect(named.warnings).toBeUndefined()
    const first = await discover({argument: `${mirror.url}two.meta4`, transports}, {signal: signal()})
    expect(first.target.name).toBe('one.bin')
    expect(first.warnings?.map((warning) => warning.code)).toEqual(['EMULTIFILE'])
  })

  it('warns about a missing metalink file without failing the run', async () => {
    const set = await discover({argument: 'f.bin', metalinks: [join(directory, 'nope.meta4')], sources: ['metalink'], transports}, {signal: signal()})
    expect(set.warnings).toEqual([expect.objectContaining({source: 'metalink', code: 'ENOTFOUND'})])
  })
})

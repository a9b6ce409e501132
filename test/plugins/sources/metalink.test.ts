import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

/** A server that answers every request with this body and Content-Type, as mirrormanager's metalink URL does. */
async function serveTyped(type: string, body: string): Promise<{url: string; close: () => Promise<void>}> {
  const server = createServer((request, response) => {
    response.writeHead(200, {'content-type': type, 'content-length': Buffer.byteLength(body)})
    response.end(request.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

const data = makeContent(4096, 7)
const SHA = sha256Hex(data)
const metalink = (name: string, urls: string) => `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="${name}"><size>4096</size><hash type="sha-256">${SHA}</hash>${urls}</file>
</metalink>`

let mirror: HttpMirror
let served: {url: string; close: () => Promise<void>}
let directory: string
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(15_000)

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'mirrorkit-metalink-'))
  served = await serveTyped(
    'application/metalink+xml; charset=utf-8',
    `<?xml version="1.0" encoding="utf-8"?><metalink version="3.0" xmlns="http://www.metalinker.org/"><files><file name="repomd.xml"><size>4096</size><resources maxconnections="1"><url preference="100">https://one.example/repodata/repomd.xml</url><url preference="90">http://two.example/repodata/repomd.xml</url></resources></file></files></metalink>`,
  )
  mirror = await startHttpMirror({
    files: {
      '/pub/f.bin': data,
      '/pub/f.bin.meta4': metalink('f.bin', '<url priority="2" location="fr">http://b.example/f.bin</url><url priority="1">http://a.example/f.bin</url>'),
      '/pub/f.bin.xml': metalink('f.bin', '<url priority="2" location="fr">http://b.example/f.bin</url><url priority="1">http://a.example/f.bin</url>'),
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
  await served.close()
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
    ['/huge.meta4', 'ETOOLARGE'],
  ])('refuses the hostile %s with %s: no set at all, since the user named it', async (path, code) => {
    const run = discover({argument: 'f.bin', metalinks: [`${mirror.url}${path.slice(1)}`], sources: ['metalink'], transports}, {signal: signal()})
    await expect(run).rejects.toMatchObject({code, message: expect.stringContaining(path)})
  })

  it('picks the file named like the query from a multi-file metalink, or the first with a warning when given only the metalink', async () => {
    const named = await discover({argument: 'two.bin', metalinks: [`${mirror.url}two.meta4`], sources: ['metalink'], transports}, {signal: signal()})
    expect(named.candidates.map((candidate) => candidate.url)).toEqual(['http://a.example/two.bin'])
    expect(named.warnings).toBeUndefined()
    const first = await discover({argument: `${mirror.url}two.meta4`, transports}, {signal: signal()})
    expect(first.target.name).toBe('one.bin')
    expect(first.warnings?.map((warning) => warning.code)).toEqual(['EMULTIFILE'])
  })

  it('skips a file with an unsafe name (EUNSAFENAME) and keeps nothing from it', async () => {
    const set = await discover({argument: 'f.bin', metalinks: [`${mirror.url}traversal.meta4`], sources: ['metalink'], transports}, {signal: signal()})
    expect(set.candidates).toEqual([])
    expect(set.warnings?.map((warning) => warning.code)).toEqual(['EUNSAFENAME'])
  })

  it('reads a local metalink file given as the argument, relative URLs resolved with --metalink-base', async () => {
    const file = join(directory, 'argument.meta4')
    await writeFile(file, metalink('f.bin', '<url priority="1">http://a.example/f.bin</url><url priority="2">mirror/f.bin</url>'))
    const local = await discover({argument: file, transports}, {signal: signal()})
    expect(local.target).toEqual({name: 'f.bin', size: 4096, checksums: [{algorithm: 'sha256', hex: SHA}]})
    expect(local.candidates.map((candidate) => candidate.url)).toEqual(['http://a.example/f.bin'])
    expect(local.warnings?.map((warning) => warning.code)).toEqual(['ERELATIVEURL'])
    const based = await discover({argument: file, metalinkBase: 'https://b.example/pub/', transports}, {signal: signal()})
    expect(based.candidates.map((candidate) => candidate.url)).toEqual(['http://a.example/f.bin', 'https://b.example/pub/mirror/f.bin'])
    expect(based.warnings).toBeUndefined()
  })

  it('reads a local file whose root is a metalink whatever its name, and refuses a path that is not one', async () => {
    const file = join(directory, 'listing.xml')
    await writeFile(file, metalink('f.bin', '<url>http://a.example/f.bin</url>'))
    const set = await discover({argument: file, transports}, {signal: signal()})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual(['http://a.example/f.bin'])
    const other = join(directory, 'notes.txt')
    await writeFile(other, 'hello')
    await expect(discover({argument: other, transports}, {signal: signal()})).rejects.toMatchObject({code: 'EUSAGE', exitCode: 2})
  })

  it('fails with one EXML error on a truncated local metalink, never a partial set', async () => {
    const file = join(directory, 'cut.meta4')
    const whole = metalink('f.bin', '<url>http://a.example/f.bin</url><url>http://b.example/f.bin</url>')
    await writeFile(file, whole.slice(0, whole.indexOf('<url>http://b')))
    await expect(discover({argument: file, transports}, {signal: signal()})).rejects.toMatchObject({
      code: 'EXML',
      exitCode: 2,
      message: expect.stringMatching(/cut\.meta4: not well-formed XML: line \d+, column \d+: unclosed tag/),
    })
  })

  it('reads a URL as a metalink when its Content-Type says so (Fedora metalink?repo=...) or its small body is one', async () => {
    const typed = await discover({argument: `${served.url}metalink?repo=fedora-40&arch=x86_64`, transports}, {signal: signal()})
    expect(typed.target).toMatchObject({name: 'repomd.xml', size: 4096})
    expect(typed.target.primary).toBeUndefined()
    expect(typed.candidates.map((candidate) => candidate.url)).toEqual(['https://one.example/repodata/repomd.xml', 'http://two.example/repodata/repomd.xml'])
    const sniffed = await discover({argument: `${mirror.url}pub/f.bin.meta4`.replace('.meta4', '.xml'), transports}, {signal: signal()})
    expect(sniffed.candidates.map((candidate) => candidate.url)).toEqual(['http://a.example/f.bin', 'http://b.example/f.bin'])
  })

  it('fails the run on a missing --metalink file (ENOTFOUND, exit 3), rather than printing a set without it', async () => {
    const run = discover({argument: 'f.bin', metalinks: [join(directory, 'nope.meta4')], sources: ['metalink'], transports}, {signal: signal()})
    await expect(run).rejects.toMatchObject({code: 'ENOTFOUND', exitCode: 3})
  })
})

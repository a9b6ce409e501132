import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {createHash} from 'node:crypto'

const data = makeContent(8192, 3)
const SHA256 = sha256Hex(data)
const SHA512 = createHash('sha512').update(data).digest('hex')

let mirror: HttpMirror
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(15_000)

beforeAll(async () => {
  mirror = await startHttpMirror({
    files: {
      '/f.bin': data,
      '/plain.bin': data,
      '/broken.bin': data,
      '/meta/f.bin.meta4': `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.bin"><size>8192</size><url priority="9">http://from-metalink.example/f.bin</url></file></metalink>`,
    },
    perPath: {
      '/f.bin': {
        headers: {
          link: '<http://dup1.example/f.bin>; rel=duplicate; pri=2; geo=DE, <http://dup2.example/f.bin>; rel="duplicate"; pri=1, <meta/f.bin.meta4>; rel=describedby; type="application/metalink4+xml"',
          digest: `SHA-256=${Buffer.from(SHA256, 'hex').toString('base64')}`,
          'repr-digest': `sha-512=:${Buffer.from(SHA512, 'hex').toString('base64')}:`,
        },
      },
      '/broken.bin': {headers: {link: 'garbage;;, <http://ok.example/broken.bin>; rel=duplicate; pri=banana, <javascript:alert(1)>; rel=duplicate'}},
    },
  })
})

afterAll(async () => {
  await transports.close()
  await mirror.close()
})

describe('headers source (RFC 6249)', () => {
  it('takes duplicates with pri and geo, follows describedby metalinks, and reads Digest and Repr-Digest', async () => {
    const set = await discover({argument: `${mirror.url}f.bin`, sources: ['headers'], transports}, {signal: signal()})
    expect(set.target).toMatchObject({
      name: 'f.bin',
      size: 8192,
      primary: `${mirror.url}f.bin`,
      checksums: [
        {algorithm: 'sha512', hex: SHA512},
        {algorithm: 'sha256', hex: SHA256},
      ],
    })
    expect(set.candidates).toEqual([
      {url: `${mirror.url}f.bin`, foundBy: ['primary']},
      {url: 'http://dup2.example/f.bin', foundBy: ['headers'], priority: 1},
      {url: 'http://dup1.example/f.bin', foundBy: ['headers'], priority: 2, location: 'de'},
      {url: 'http://from-metalink.example/f.bin', foundBy: ['headers'], priority: 9},
    ])
    expect(set.warnings).toBeUndefined()
  })

  it('survives malformed Link headers: warns, keeps the good links, drops unusable schemes', async () => {
    const set = await discover({argument: `${mirror.url}broken.bin`, sources: ['headers'], transports}, {signal: signal()})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual([`${mirror.url}broken.bin`, 'http://ok.example/broken.bin'])
    expect(set.candidates[1]?.priority).toBeUndefined()
    expect(set.warnings?.map((warning) => warning.code).sort()).toEqual(['EHEADER', 'ESCHEME'])
  })

  it('finds nothing (and says nothing) when the primary has no headers', async () => {
    const set = await discover({argument: `${mirror.url}plain.bin`, sources: ['headers'], transports}, {signal: signal()})
    expect(set.candidates).toHaveLength(1)
    expect(set.target.checksums).toEqual([])
    expect(set.warnings).toBeUndefined()
  })
})

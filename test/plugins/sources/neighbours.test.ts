import {createHash} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

const data = makeContent(5000, 11)
const SHA256 = sha256Hex(data)
const SHA512 = createHash('sha512').update(data).digest('hex')
const OTHER = 'f'.repeat(64)

let mirror: HttpMirror
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(15_000)

beforeAll(async () => {
  mirror = await startHttpMirror({
    files: {
      '/release/f.iso': data,
      '/release/f.iso.meta4': `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="f.iso"><size>5000</size><url location="jp">https://jp.example/release/f.iso</url></file></metalink>`,
      '/release/SHA256SUMS': `${OTHER}  f.iso.torrent\n${SHA256} *f.iso\n${OTHER}  other.iso\n`,
      '/release/SHA512SUMS': `SHA512 (other.iso) = ${'0'.repeat(128)}\nSHA512 (f.iso) = ${SHA512}\n`,
      '/lonely/g.iso': data,
      '/rel/r.iso': data,
      '/rel/r.iso.meta4': `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="r.iso"><url>../mirror/r.iso</url></file></metalink>`,
      '/wrong/h.iso': data,
      '/wrong/h.iso.sha256': `${OTHER}\n`,
    },
  })
})

afterAll(async () => {
  await transports.close()
  await mirror.close()
})

describe('neighbours source', () => {
  it('reads <file>.meta4, SHA256SUMS (GNU) and SHA512SUMS (BSD), keeping only lines for our file', async () => {
    const set = await discover({argument: `${mirror.url}release/f.iso`, sources: ['neighbours'], transports}, {signal: signal()})
    expect(set.target.checksums).toEqual([
      {algorithm: 'sha512', hex: SHA512},
      {algorithm: 'sha256', hex: SHA256},
    ])
    expect(set.candidates.map((candidate) => [candidate.url, candidate.foundBy, candidate.location])).toEqual([
      [`${mirror.url}release/f.iso`, ['primary'], undefined],
      ['https://jp.example/release/f.iso', ['neighbours'], 'jp'],
    ])
    expect(set.warnings).toBeUndefined()
  })

  it('is silent when there are no neighbours', async () => {
    const before = mirror.stats.requests
    const set = await discover({argument: `${mirror.url}lonely/g.iso`, sources: ['neighbours'], transports}, {signal: signal()})
    expect(set.candidates).toHaveLength(1)
    expect(set.target.checksums).toEqual([])
    expect(set.warnings).toBeUndefined()
    // One stat, one read of the small untyped body (is it a metalink?), and the six neighbours asked for.
    expect(mirror.stats.requests - before).toBe(8)
  })

  it('takes a bare hex <file>.sha256 as the checksum (a wrong one is for verify to catch)', async () => {
    const set = await discover({argument: `${mirror.url}wrong/h.iso`, sources: ['neighbours'], transports}, {signal: signal()})
    expect(set.target.checksums).toEqual([{algorithm: 'sha256', hex: OTHER}])
  })

  it('resolves relative URLs in a neighbour .meta4 against its own URL', async () => {
    const set = await discover({argument: `${mirror.url}rel/r.iso`, sources: ['neighbours'], transports}, {signal: signal()})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual([`${mirror.url}rel/r.iso`, `${mirror.url}mirror/r.iso`])
    expect(set.warnings).toBeUndefined()
  })
})

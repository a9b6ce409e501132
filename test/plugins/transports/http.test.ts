// The http transport passes the contract and handles what real servers do: ignored ranges, redirects, throttling, changed files.
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {createServer} from 'node:http'
import type {AddressInfo, Socket} from 'node:net'
import {HttpTransport, OPEN_BYTES, httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {makeSelfSignedCertificate} from '../../helpers/self-signed.js'
import {collect, describeTransportContract} from './contract.js'

describeTransportContract('http', async () => {
  const content = makeContent(300_000, 7)
  const mirror = await startHttpMirror({
    files: {'/pub/f.bin': content, '/cut.bin': content, '/private.bin': content},
    perPath: {'/cut.bin': {resetAfter: 100_000}, '/private.bin': {auth: {username: 'user', password: 'right'}}},
  })
  return {
    transport: httpTransport.create({}),
    fileUrl: new URL('pub/f.bin', mirror.url),
    content,
    missingUrl: new URL('missing.bin', mirror.url),
    closesMidStreamUrl: new URL('cut.bin', mirror.url),
    badCredentialsUrl: new URL(mirror.url.replace('http://', 'http://user:wrong@') + 'private.bin'),
    serverConnections: () => mirror.stats.openConnections,
    teardown: () => mirror.close(),
  }
})

describe('http transport', () => {
  const content = makeContent(100_000, 11)
  let mirror: HttpMirror
  let transport: HttpTransport
  const url = (path = 'f.bin') => new URL(path, mirror.url)
  const signal = () => AbortSignal.timeout(10_000)
  const read = (path: string, offset: number, length: number, etag?: string) =>
    collect(transport.read(url(path), {offset, length}, {signal: signal(), etag}))

  beforeAll(async () => {
    mirror = await startHttpMirror({files: {'/f.bin': content, '/g.bin': content, '/a': 'x', '/b': 'x', '/empty': ''}})
    transport = new HttpTransport({})
  })
  beforeEach(() => {
    mirror.setFaults({})
    for (const path of ['/f.bin', '/g.bin', '/a', '/b']) mirror.setFaults({}, path)
  })
  afterAll(async () => {
    await transport.close()
    await mirror.close()
  })

  it('refuses a 200 answer to a range that does not start at 0, and accepts it for a whole-file range', async () => {
    mirror.setFaults({ignoreRange: true})
    await expect(read('f.bin', 10, 100)).rejects.toMatchObject({code: 'ERANGE_UNSUPPORTED', retryable: false})
    expect((await read('f.bin', 0, content.length)).equals(content)).toBe(true)
  })

  it('reports a body cut short as ESHORT, retryable, after yielding the bytes that came', async () => {
    mirror.setFaults({resetAfter: 30_000})
    let received = 0
    const reading = (async () => {
      for await (const chunk of transport.read(url(), {offset: 1000, length: 60_000}, {signal: signal()})) received += chunk.length
    })()
    await expect(reading).rejects.toMatchObject({code: 'ESHORT', retryable: true})
    expect(received).toBe(30_000)
  })

  it('refuses a compressed body, whose bytes are not the file', async () => {
    mirror.setFaults({headers: {'content-encoding': 'gzip'}})
    await expect(read('f.bin', 0, 10)).rejects.toMatchObject({code: 'EENCODING', retryable: false})
    expect((await transport.stat(url(), {signal: signal()})).size).toBeUndefined()
  })

  it('refuses a Content-Range that is not the one asked for', async () => {
    mirror.setFaults({wrongContentRange: true})
    await expect(read('f.bin', 10, 100)).rejects.toMatchObject({code: 'ECONTENTRANGE', retryable: false})
  })

  it('sends If-Range with a strong etag and reports a changed file as ECHANGED', async () => {
    const {etag} = await transport.stat(url(), {signal: signal()})
    expect(etag).toMatch(/^"/)
    expect((await read('f.bin', 5, 10, etag)).equals(content.subarray(5, 15))).toBe(true)
    mirror.setFaults({etag: '"changed"'})
    await expect(read('f.bin', 5, 10, etag)).rejects.toMatchObject({code: 'ECHANGED', retryable: false})
    // The same ETag on a 200 means the server ignores ranges, not that the file changed.
    mirror.setFaults({ignoreRange: true})
    await expect(read('f.bin', 5, 10, etag)).rejects.toMatchObject({code: 'ERANGE_UNSUPPORTED'})
    mirror.setFaults({})
    // A weak etag must not be sent as If-Range, so the range is served as usual.
    expect((await read('f.bin', 5, 10, 'W/"weak"')).length).toBe(10)
  })

  it('follows a redirect chain and reports the final URL', async () => {
    mirror.setFaults({redirect: '/b'}, '/a')
    mirror.setFaults({redirect: `${mirror.url}g.bin`}, '/b')
    const info = await transport.stat(url('a'), {signal: signal()})
    expect(info.finalUrl).toBe(url('g.bin').href)
    expect(info.size).toBe(content.length)
    expect((await collect(transport.read(url('a'), {offset: 1, length: 3}, {signal: signal()}))).equals(content.subarray(1, 4))).toBe(true)
  })

  it('stops at a redirect loop, at more than five hops, and at a non-http target', async () => {
    mirror.setFaults({redirect: '/b'}, '/a')
    mirror.setFaults({redirect: '/a'}, '/b')
    await expect(transport.stat(url('a'), {signal: signal()})).rejects.toMatchObject({code: 'EREDIRECT'})
    const hops = await startHttpMirror({
      files: {},
      perPath: Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((hop) => [`/r${hop}`, {redirect: `/r${hop + 1}`}])),
    })
    try {
      await expect(transport.stat(new URL('r0', hops.url), {signal: signal()})).rejects.toMatchObject({code: 'EREDIRECT'})
    } finally {
      await hops.close()
    }
    mirror.setFaults({redirect: 'ftp://127.0.0.1/f.bin'}, '/a')
    await expect(transport.stat(url('a'), {signal: signal()})).rejects.toMatchObject({code: 'EREDIRECT'})
  })

  it('reports 429 and 503 as ETHROTTLED with Retry-After, 500 as retryable and 400 as not', async () => {
    mirror.setFaults({status: 429, retryAfter: 7})
    await expect(transport.stat(url(), {signal: signal()})).rejects.toMatchObject({code: 'ETHROTTLED', retryable: true, retryAfter: 7})
    mirror.setFaults({status: 503, retryAfter: 2})
    await expect(read('f.bin', 0, 10)).rejects.toMatchObject({code: 'ETHROTTLED', retryAfter: 2})
    mirror.setFaults({status: 500})
    await expect(read('f.bin', 0, 10)).rejects.toMatchObject({code: 'EHTTP', retryable: true})
    mirror.setFaults({status: 400})
    await expect(read('f.bin', 0, 10)).rejects.toMatchObject({code: 'EHTTP', retryable: false})
  })

  it('falls back to a one-byte GET when HEAD is refused', async () => {
    mirror.setFaults({noHead: true})
    const before = mirror.stats.bytesSent
    const info = await transport.stat(url(), {signal: signal()})
    expect(info).toMatchObject({size: content.length, acceptsRanges: true, name: 'f.bin'})
    expect(mirror.stats.bytesSent - before).toBe(1)
  })

  it('opens with one GET of the first OPEN_BYTES, whose body continues as the first read', async () => {
    const requests = mirror.stats.requests
    const opened = await transport.open(url(), {signal: signal()})
    expect(opened.info).toMatchObject({size: content.length, acceptsRanges: true, name: 'f.bin'})
    expect(opened.length).toBe(content.length)
    expect((await collect(opened.body!)).equals(content)).toBe(true)
    expect(mirror.stats.requests - requests).toBe(1)
    // A larger file: the size is the whole file's, the body only the part asked for, and nothing more is sent.
    const big = makeContent(OPEN_BYTES + 5000, 12)
    const server = await startHttpMirror({files: {'/big.bin': big}})
    try {
      const large = await transport.open(new URL('big.bin', server.url), {signal: signal()})
      expect(large.info.size).toBe(big.length)
      expect(large.length).toBe(OPEN_BYTES)
      expect((await collect(large.body!)).equals(big.subarray(0, OPEN_BYTES))).toBe(true)
      expect(server.stats.bytesSent).toBe(OPEN_BYTES)
    } finally {
      await server.close()
    }
  })

  it('opens without a body, from a plain stat, when the answer is not the whole file as a range', async () => {
    const cases: Array<[string, Parameters<HttpMirror['setFaults']>[0], string]> = [
      ['a server that ignores ranges', {ignoreRange: true}, 'f.bin'],
      ['a Content-Range that is not the one asked for', {wrongContentRange: true}, 'f.bin'],
      ['a compressed body', {headers: {'content-encoding': 'gzip'}}, 'f.bin'],
      ['an empty file (416)', {}, 'empty'],
    ]
    for (const [label, faults, path] of cases) {
      mirror.setFaults(faults)
      const requests = mirror.stats.requests
      const opened = await transport.open(url(path), {signal: signal()})
      expect(opened.body, label).toBeUndefined()
      expect(opened.info, label).toEqual(await transport.stat(url(path), {signal: signal()}))
      // The GET, then the stat's HEAD, then the comparison's HEAD.
      expect(mirror.stats.requests - requests, label).toBe(3)
    }
  })

  it('reports what the GET of an open answered (503 with Retry-After) without a second request', async () => {
    mirror.setFaults({status: 503, retryAfter: 7})
    const requests = mirror.stats.requests
    await expect(transport.open(url(), {signal: signal()})).rejects.toMatchObject({code: 'ETHROTTLED', retryable: true, retryAfter: 7})
    expect(mirror.stats.requests - requests).toBe(1)
  })

  it('returns Digest, Repr-Digest, Link, Last-Modified and a sanitised Content-Disposition name from stat', async () => {
    const sha256 = Buffer.alloc(32, 1).toString('base64')
    const sha512 = Buffer.alloc(64, 2).toString('base64')
    const links = ['<http://m1/f.bin>; rel=duplicate; pri=1', '<http://m2/f.bin>; rel=duplicate; pri=2']
    mirror.setFaults({
      headers: {
        digest: `SHA-256=${sha256}`,
        'repr-digest': `sha-512=:${sha512}:`,
        link: links.join(', '),
        'content-disposition': `attachment; filename*=UTF-8''..%2F..%2Fdebian%2012.iso`,
      },
    })
    const info = await transport.stat(url(), {signal: signal()})
    expect(info.digests).toEqual([
      {algorithm: 'sha512', hex: Buffer.alloc(64, 2).toString('hex')},
      {algorithm: 'sha256', hex: Buffer.alloc(32, 1).toString('hex')},
    ])
    expect(info.links).toEqual([links.join(', ')])
    expect(info.name).toBe('debian 12.iso')
    expect(info.modifiedAt).toBeInstanceOf(Date)
  })

  it('keeps Link and Digest headers sent on redirects, as MirrorBrain does', async () => {
    const sha256 = Buffer.alloc(32, 3).toString('base64')
    mirror.setFaults({redirect: '/f.bin', headers: {link: '<http://m3/f.bin>; rel=duplicate', digest: `SHA-256=${sha256}`}}, '/a')
    const info = await transport.stat(url('a'), {signal: signal()})
    expect(info.links).toEqual(['<http://m3/f.bin>; rel=duplicate'])
    expect(info.digests).toEqual([{algorithm: 'sha256', hex: Buffer.alloc(32, 3).toString('hex')}])
    expect(info.finalUrl).toBe(url('f.bin').href)
  })

  it('sends credentials from the URL as Basic auth', async () => {
    mirror.setFaults({auth: {username: 'ann', password: 'p@ss word'}})
    const withCredentials = new URL(mirror.url)
    withCredentials.username = 'ann'
    withCredentials.password = 'p@ss word'
    withCredentials.pathname = '/f.bin'
    expect((await transport.stat(withCredentials, {signal: signal()})).size).toBe(content.length)
    await expect(transport.stat(url(), {signal: signal()})).rejects.toMatchObject({code: 'EAUTH'})
  })

  it('maps a refused connection and a stall cut by the signal', async () => {
    const closed = await startHttpMirror({files: {}})
    await closed.close()
    await expect(transport.stat(new URL('f.bin', closed.url), {signal: signal()})).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      retryable: true,
    })
    mirror.setFaults({stallAfter: 1000})
    const reason = new Error('stalled')
    const controller = new AbortController()
    setTimeout(() => controller.abort(reason), 200)
    await expect(collect(transport.read(url(), {offset: 0, length: 5000}, {signal: controller.signal}))).rejects.toBe(reason)
  })

  it('keeps connections alive between reads and releases them all on close()', async () => {
    const own = new HttpTransport({})
    const server = await startHttpMirror({files: {'/f.bin': content}})
    try {
      const reads = [0, 1, 2].map((offset) => collect(own.read(new URL('f.bin', server.url), {offset, length: 50_000}, {signal: signal()})))
      await Promise.all(reads)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(server.stats.openConnections).toBeGreaterThan(0)
      await own.close()
      for (let wait = 0; wait < 20 && server.stats.openConnections > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 10))
      expect(server.stats.openConnections).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('refuses an untrusted certificate as ETLS, and accepts it when insecure', async () => {
    const secure = await startHttpMirror({files: {'/f.bin': content}, tls: makeSelfSignedCertificate()})
    const insecure = new HttpTransport({insecure: true})
    try {
      await expect(transport.stat(new URL('f.bin', secure.url), {signal: signal()})).rejects.toMatchObject({code: 'ETLS', retryable: false})
      expect((await collect(insecure.read(new URL('f.bin', secure.url), {offset: 7, length: 9}, {signal: signal()}))).equals(content.subarray(7, 16))).toBe(true)
    } finally {
      await insecure.close()
      await secure.close()
    }
  })

  it('trusts a private authority given as ca, and still refuses a certificate it did not sign', async () => {
    const certificate = makeSelfSignedCertificate()
    const secure = await startHttpMirror({files: {'/f.bin': content}, tls: certificate})
    const trusting = new HttpTransport({ca: certificate.cert})
    const other = new HttpTransport({ca: makeSelfSignedCertificate().cert})
    try {
      expect((await collect(trusting.read(new URL('f.bin', secure.url), {offset: 7, length: 9}, {signal: signal()}))).equals(content.subarray(7, 16))).toBe(true)
      await expect(other.stat(new URL('f.bin', secure.url), {signal: signal()})).rejects.toMatchObject({code: 'ETLS'})
    } finally {
      await Promise.all([trusting.close(), other.close()])
      await secure.close()
    }
  })

  it('gives up waiting for headers as soon as the signal aborts', async () => {
    mirror.setFaults({firstByteDelayMs: 5000})
    const reason = new Error('deadline')
    const controller = new AbortController()
    setTimeout(() => controller.abort(reason), 100)
    const started = performance.now()
    await expect(transport.stat(url(), {signal: controller.signal})).rejects.toBe(reason)
    expect(performance.now() - started).toBeLessThan(1500)
  })

  it('pings with a HEAD round trip in milliseconds', async () => {
    const ms = await transport.ping(url(), {signal: signal()})
    expect(ms).toBeGreaterThan(0)
    expect(ms).toBeLessThan(1000)
    mirror.setFaults({firstByteDelayMs: 150})
    expect(await transport.ping(url(), {signal: signal()})).toBeGreaterThanOrEqual(140)
  })

  it('times the HEAD of a ping on the connection its warm-up GET opened, not on a new one', async () => {
    const seen: Array<{method: string; socket: Socket}> = []
    const server = createServer((request, response) => {
      seen.push({method: request.method!, socket: request.socket})
      response.setHeader('content-length', '1')
      response.end(request.method === 'HEAD' ? undefined : 'x')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const fresh = new HttpTransport()
    try {
      const {port} = server.address() as AddressInfo
      await fresh.ping(new URL(`http://127.0.0.1:${port}/f`), {signal: signal()})
      expect(seen.map((entry) => entry.method)).toEqual(['GET', 'HEAD'])
      expect(seen[1]!.socket).toBe(seen[0]!.socket)
    } finally {
      await fresh.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

// The local HTTP mirror serves ranges, validators and listings, and its fault knobs and throttle do what they say.
// (Its rates against the clock are timing-bound: http-mirror.timing.test.ts, run by `npm run test:timing`.)
import {request} from 'node:http'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {makeContent} from '../helpers/content.js'
import {startHttpMirror, Throttle, type HttpMirror} from '../helpers/http-mirror.js'

type Reply = {status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; error?: string}

/** A raw node:http request, so the tests see exactly what the server sent, including a cut-short body. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET', timeoutMs = 5000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method, headers, agent: false, signal: AbortSignal.timeout(timeoutMs)}, (res) => {
      const chunks: Buffer[] = []
      const done = (error?: string) =>
        resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error})
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => done())
      res.on('error', (error) => done(error.message))
      res.on('aborted', () => done('aborted'))
    })
    req.on('error', reject)
    req.end()
  })
}

const content = makeContent(200_000, 3)
let mirror: HttpMirror

beforeAll(async () => {
  mirror = await startHttpMirror({files: {'/f.bin': content, '/dir/a.iso': 'aaa', '/dir/sub/b.iso': 'b'}})
})
afterAll(async () => {
  await mirror.close()
})

describe('http mirror', () => {
  it('serves the whole file with validators', async () => {
    const reply = await get(mirror.url + 'f.bin')
    expect(reply.status).toBe(200)
    expect(reply.body.equals(content)).toBe(true)
    expect(reply.headers['accept-ranges']).toBe('bytes')
    expect(reply.headers.etag).toMatch(/^"[0-9a-f]+"$/)
    expect(reply.headers['last-modified']).toBeTruthy()
  })

  it('answers HEAD with the length and no body', async () => {
    const reply = await get(mirror.url + 'f.bin', {}, 'HEAD')
    expect(reply.headers['content-length']).toBe(String(content.length))
    expect(reply.body.length).toBe(0)
  })

  it.each([
    ['bytes=0-9', 0, 9],
    ['bytes=100-', 100, content.length - 1],
    ['bytes=-5', content.length - 5, content.length - 1],
  ])('serves %s', async (range, start, end) => {
    const reply = await get(mirror.url + 'f.bin', {range})
    expect(reply.status).toBe(206)
    expect(reply.headers['content-range']).toBe(`bytes ${start}-${end}/${content.length}`)
    expect(reply.body.equals(content.subarray(start, end + 1))).toBe(true)
  })

  it('answers 416 past the end and 200 when If-Range does not match', async () => {
    expect((await get(mirror.url + 'f.bin', {range: `bytes=${content.length}-`})).status).toBe(416)
    const reply = await get(mirror.url + 'f.bin', {range: 'bytes=0-9', 'if-range': '"other"'})
    expect(reply.status).toBe(200)
    expect(reply.body.length).toBe(content.length)
  })

  it('answers 404 for a missing file and lists directories', async () => {
    expect((await get(mirror.url + 'nope.bin')).status).toBe(404)
    const listing = await get(mirror.url + 'dir/')
    expect(listing.body.toString()).toContain('<a href="a.iso">a.iso</a>')
    expect(listing.body.toString()).toContain('<a href="sub/">sub/</a>')
  })

  it('applies range, content and status faults set at runtime, per path', async () => {
    mirror.setFaults({ignoreRange: true}, '/f.bin')
    expect((await get(mirror.url + 'f.bin', {range: 'bytes=5-9'})).status).toBe(200)
    mirror.setFaults({wrongContentRange: true}, '/f.bin')
    expect((await get(mirror.url + 'f.bin', {range: 'bytes=5-9'})).headers['content-range']).toBe(`bytes 6-10/${content.length}`)
    mirror.setFaults({corrupt: [{offset: 1, length: 2}], size: 10}, '/f.bin')
    const corrupt = await get(mirror.url + 'f.bin')
    expect(corrupt.body.length).toBe(10)
    expect(corrupt.body[1]).toBe(content[1] ^ 0xff)
    expect(corrupt.body[3]).toBe(content[3])
    mirror.setFaults({status: 429, retryAfter: 7}, '/f.bin')
    const throttled = await get(mirror.url + 'f.bin')
    expect([throttled.status, throttled.headers['retry-after']]).toEqual([429, '7'])
    mirror.setFaults({redirect: '/elsewhere'}, '/f.bin')
    expect((await get(mirror.url + 'f.bin')).headers.location).toBe('/elsewhere')
    mirror.setFaults({noHead: true, etag: '"x"'}, '/f.bin')
    expect((await get(mirror.url + 'f.bin', {}, 'HEAD')).status).toBe(405)
    expect((await get(mirror.url + 'f.bin')).headers.etag).toBe('"x"')
    mirror.setFaults({}, '/f.bin')
  })

  it('cuts a response after resetAfter bytes and stalls after stallAfter bytes', async () => {
    mirror.setFaults({resetAfter: 50_000}, '/f.bin')
    const reset = await get(mirror.url + 'f.bin')
    expect(reset.body.length).toBe(50_000)
    expect(reset.error).toBeTruthy()
    mirror.setFaults({stallAfter: 20_000}, '/f.bin')
    const before = mirror.stats.bytesSent
    await expect(get(mirror.url + 'f.bin', {}, 'GET', 400)).rejects.toThrow()
    expect(mirror.stats.bytesSent - before).toBe(20_000)
    mirror.setFaults({}, '/f.bin')
  })

  it('requires credentials when auth is set', async () => {
    mirror.setFaults({auth: {username: 'u', password: 'p'}})
    expect((await get(mirror.url + 'f.bin')).status).toBe(401)
    const authorization = 'Basic ' + Buffer.from('u:p').toString('base64')
    expect((await get(mirror.url + 'f.bin', {authorization})).status).toBe(200)
    mirror.setFaults({})
  })

  it('closes every socket on close()', async () => {
    const other = await startHttpMirror({files: {'/f.bin': content}, faults: {stallAfter: 1000}})
    const pending = get(other.url + 'f.bin', {}, 'GET', 5000).catch(() => undefined)
    while (other.stats.bytesSent < 1000) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(other.stats.openConnections).toBe(1)
    await other.close()
    await pending
    expect(other.stats.openConnections).toBe(0)
  })
})

describe('throttle', () => {
  it('rejects a waiting take with the abort reason', async () => {
    const throttle = new Throttle(1000)
    await throttle.take(5000)
    const reason = new Error('stop')
    await expect(throttle.take(10, AbortSignal.abort(reason))).rejects.toBe(reason)
    const controller = new AbortController()
    const waiting = throttle.take(10, controller.signal)
    controller.abort(reason)
    await expect(waiting).rejects.toBe(reason)
  })
})

// Checks exchange() and ResponseBody against real servers on 127.0.0.1: bytes, backpressure, early exits, dump, aborts, resets, interim answers and HEAD.
import {createHash, randomBytes} from 'node:crypto'
import {once} from 'node:events'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer as createTcpServer, type AddressInfo, type Server, type Socket} from 'node:net'
import {setTimeout as sleep} from 'node:timers/promises'
import {Agent} from 'undici'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {exchange, ResponseBody, type ExchangeRequest} from '../../../src/plugins/transports/http-exchange.js'
import {WAKE_BYTES, WAKE_MS} from '../../../src/plugins/transports/reader-wake.js'
import {holds, until} from '../../helpers/until.js'

const MiB = 1024 * 1024
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

let agent: Agent
const servers: Server[] = []
const sockets = new Set<Socket>()

// One connection per origin: a request sent the moment the previous response ends would otherwise get a
// second connection (undici releases the first one on setImmediate), hiding whether the first was kept.
beforeEach(() => (agent = new Agent({connections: 1, keepAliveTimeout: 5_000})))

afterEach(async () => {
  await agent.destroy()
  // Servers stalled mid-body never end their sockets, so close() alone would wait for them.
  for (const socket of sockets) socket.destroy()
  sockets.clear()
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

/** Starts a server on 127.0.0.1 and returns its origin. */
async function listen(server: Server): Promise<string> {
  servers.push(server)
  server.on('connection', (socket: Socket) => sockets.add(socket))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** node:http ignores what a handler returns; an async handler's rejection still reaches vitest as an unhandled one. */
const serve = (handler: (request: IncomingMessage, response: ServerResponse) => unknown) =>
  listen(createServer((request, response) => void handler(request, response)))

/** A raw TCP server, for responses node:http would refuse to write. */
const serveRaw = (onSocket: (socket: Socket) => void) => listen(createTcpServer(onSocket))

function get(origin: string, options: Partial<ExchangeRequest> = {}) {
  return exchange(agent, {origin, path: '/', method: 'GET', headers: {}, signal: AbortSignal.timeout(2_500), ...options})
}

async function collect(body: ResponseBody): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk)
  return Buffer.concat(chunks)
}

describe('exchange', () => {
  it('delivers the status, lower-cased headers and a multi-chunk body intact', {timeout: 3_000}, async () => {
    const content = randomBytes(300_000)
    const origin = await serve(async (_request, response) => {
      response.writeHead(203, {'X-Mirror-Name': 'Alpha', 'Content-Length': String(content.length)})
      // Separate writes with pauses between them, so the body reaches the client as several chunks.
      for (let offset = 0; offset < content.length; offset += 100_000) {
        response.write(content.subarray(offset, offset + 100_000))
        await sleep(20)
      }
      response.end()
    })
    const {statusCode, headers, body} = await get(origin)
    expect(statusCode).toBe(203)
    expect(headers['x-mirror-name']).toBe('Alpha')
    expect(headers['content-length']).toBe('300000')
    let chunks = 0
    const received: Buffer[] = []
    for await (const chunk of body) {
      chunks++
      received.push(chunk)
    }
    expect(chunks).toBeGreaterThan(1)
    expect(sha256(Buffer.concat(received))).toBe(sha256(content))
    expect(body.ended).toBe(true)
  })

  it('pauses the socket while the consumer stalls, so the queue stays bounded, then delivers every byte', {timeout: 3_000}, async () => {
    // Larger than what the two kernels' socket buffers hold on loopback (about 5 MiB here), so only a paused reader stops the server.
    const total = 16 * MiB
    const content = randomBytes(total)
    let sent = 0
    let waitingForDrain = false
    const origin = await serve(async (_request, response) => {
      response.writeHead(200, {'content-length': String(total)})
      for (let offset = 0; offset < total && !response.destroyed; offset += 64 * 1024) {
        sent = offset
        if (response.write(content.subarray(offset, offset + 64 * 1024))) continue
        waitingForDrain = true
        await once(response, 'drain')
        waitingForDrain = false
      }
      response.end()
    })
    const {body} = await get(origin)
    const chunks = body[Symbol.asyncIterator]()
    const first = await chunks.next()
    // The body pauses its socket at its high-water mark; the server blocks for good once both kernels'
    // buffers are full too (before that it blocks and drains by turns), so wait until it has stopped moving.
    let previous = -1
    const settled = () => {
      const paused = (Reflect.get(body, 'controller') as {paused?: boolean} | undefined)?.paused === true
      const still = sent === previous
      previous = sent
      return paused && waitingForDrain && still
    }
    await until(settled, 'the body paused its socket and the server stopped sending', {interval: 50})
    const sentAfterStall = sent
    await holds(() => waitingForDrain && sent === sentAfterStall, 'the server stays blocked', 200)
    expect(sent).toBeLessThan(total / 2)
    // The queue is private; reading it is the direct way to see the memory a stalled consumer costs.
    expect(Reflect.get(body, 'queued')).toBeLessThan(1 * MiB)
    const received = [first.value as Buffer]
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) received.push(next.value)
    expect(sha256(Buffer.concat(received))).toBe(sha256(content))
  })

  it('aborts the request when the consumer breaks out early', {timeout: 3_000}, async () => {
    const total = 64 * MiB
    let serverSide: Promise<{written: number; finished: boolean}> | undefined
    const origin = await serve((_request, response) => {
      response.writeHead(200, {'content-length': String(total)})
      const closed = once(response, 'close')
      serverSide = (async () => {
        const chunk = Buffer.alloc(64 * 1024, 1)
        let written = 0
        for (; written < total && !response.destroyed; written += chunk.length) {
          if (!response.write(chunk)) await Promise.race([once(response, 'drain'), closed])
        }
        await closed
        return {written, finished: response.writableFinished}
      })()
    })
    const {body} = await get(origin)
    for await (const _chunk of body) break
    expect(body.ended).toBe(false)
    // Without the abort the server would wait for 'drain' until the test timed out.
    const result = await Promise.race([serverSide!, sleep(2_000).then(() => 'still open' as const)])
    expect(result).not.toBe('still open')
    expect(result).toMatchObject({finished: false})
    expect((result as {written: number}).written).toBeLessThan(total / 4)
  })

  it('keeps the connection after dump() of a small body and closes it after a large one', {timeout: 3_000}, async () => {
    // Each request records the number of the connection it came on.
    const connections = new Map<Socket, number>()
    const served: number[] = []
    const origin = await serve((request, response) => {
      if (!connections.has(request.socket)) connections.set(request.socket, connections.size)
      served.push(connections.get(request.socket)!)
      if (request.url === '/large') return response.end(Buffer.alloc(1 * MiB))
      // In two parts, so dump() must wait for the end rather than find it already queued.
      response.write(Buffer.alloc(1024))
      setTimeout(() => response.end(Buffer.alloc(1024)), 20)
    })
    await (await get(origin, {path: '/small'})).body.dump()
    await (await get(origin, {path: '/small'})).body.dump()
    // Past 128 KiB dump() stops reading: the connection is cut, so the next request needs a new one.
    await (await get(origin, {path: '/large'})).body.dump()
    await (await get(origin, {path: '/small'})).body.dump()
    expect(served).toEqual([0, 0, 0, 1])
  })

  it('rejects with the signal\'s reason when aborted before the response arrives', {timeout: 3_000}, async () => {
    const controller = new AbortController()
    const reason = new Error('cancelled by the user')
    // The server holds the request and aborts from its side, so the abort lands after the request went out.
    const origin = await serve(() => controller.abort(reason))
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(2_500)])
    await expect(get(origin, {signal})).rejects.toBe(reason)
    // A signal already aborted is refused before anything is sent.
    await expect(get(origin, {signal})).rejects.toBe(reason)
  })

  it('rejects with the signal\'s reason when aborted while connecting', {timeout: 3_000}, async () => {
    let requests = 0
    const origin = await serve(() => requests++)
    const controller = new AbortController()
    const reason = new Error('cancelled by the user')
    const pending = get(origin, {signal: AbortSignal.any([controller.signal, AbortSignal.timeout(2_500)])})
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    await holds(() => requests === 0, 'no request reaches the server', 100)
  })

  it('makes the iterator throw when the signal aborts mid-body', {timeout: 3_000}, async () => {
    const controller = new AbortController()
    const reason = new Error('cancelled by the user')
    const origin = await serve((_request, response) => {
      response.writeHead(200, {'content-length': String(1 * MiB)})
      response.write(Buffer.alloc(64 * 1024))
    })
    const {body} = await get(origin, {signal: AbortSignal.any([controller.signal, AbortSignal.timeout(2_500)])})
    setTimeout(() => controller.abort(reason), 100)
    await expect(collect(body)).rejects.toBe(reason)
  })

  it('drops the chunks already queued when the signal aborts, so the next read throws at once', {timeout: 3_000}, async () => {
    const controller = new AbortController()
    const reason = new Error('link cut')
    const origin = await serve((_request, response) => {
      response.writeHead(200, {'content-length': String(1 * MiB)})
      response.write(Buffer.alloc(256 * 1024))
    })
    const {body} = await get(origin, {signal: controller.signal})
    // Private state, read only to know the bytes arrived and wait unread in the body.
    const queued = () => (body as unknown as {queued: number}).queued
    await until(() => queued() >= 256 * 1024, 'the first 256 KiB queued in the body')
    controller.abort(reason)
    await expect(body[Symbol.asyncIterator]().next()).rejects.toBe(reason)
    expect(queued()).toBe(0)
  })

  it.each(['resetAndDestroy', 'destroy'] as const)('makes the iterator throw when the server calls %s() mid-body', {timeout: 3_000}, async (cut) => {
    const origin = await serve((_request, response) => {
      response.writeHead(200, {'content-length': String(1 * MiB)})
      response.write(Buffer.alloc(64 * 1024), () => setTimeout(() => response.socket?.[cut](), 50))
    })
    const {body} = await get(origin)
    await expect(collect(body)).rejects.toThrow()
    expect(body.ended).toBe(false)
  })

  it('skips a 103 Early Hints response and delivers the final one', {timeout: 3_000}, async () => {
    const origin = await serveRaw((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n')
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Final: yes\r\n\r\nhello')
      })
    })
    const {statusCode, headers, body} = await get(origin)
    expect(statusCode).toBe(200)
    expect(headers['x-final']).toBe('yes')
    expect(headers.link).toBeUndefined()
    expect((await collect(body)).toString()).toBe('hello')
  })

  it('fails on an unsolicited 100 Continue, which undici 7 treats as a bad response before our handler sees it', {timeout: 3_000}, async () => {
    // Pins undici's behaviour: should an upgrade start passing 100 on, the 1xx skip in exchange() takes over and this fails.
    const origin = await serveRaw((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'))
    })
    await expect(get(origin)).rejects.toThrow('bad response')
  })

  it('answers HEAD with the headers and a body that ends at once', {timeout: 3_000}, async () => {
    const origin = await serve((request, response) => {
      response.writeHead(200, {'content-length': '1000', 'x-method': request.method})
      response.end(request.method === 'HEAD' ? undefined : Buffer.alloc(1000))
    })
    const {statusCode, headers, body} = await get(origin, {method: 'HEAD'})
    expect(statusCode).toBe(200)
    expect(headers).toMatchObject({'content-length': '1000', 'x-method': 'HEAD'})
    expect((await collect(body)).length).toBe(0)
    expect(body.ended).toBe(true)
  })
})

describe('ResponseBody wakes its reader', () => {
  /** Settles pending promise jobs and the turn's immediates, but no timer of WAKE_MS. */
  const turn = () => new Promise((resolve) => setImmediate(resolve))
  const track = <T>(promise: Promise<T>) => {
    const state: {value?: T} = {}
    void promise.then((value) => (state.value = value))
    return state
  }

  it('once per batch of chunks, not once per chunk; the rest of the batch is read without waiting', {timeout: 3_000}, async () => {
    const body = new ResponseBody()
    const reader = body[Symbol.asyncIterator]()
    const quarter = WAKE_BYTES / 4
    const first = track(reader.next())
    for (let index = 0; index < 3; index++) body.push(Buffer.alloc(quarter, index))
    await turn()
    // Three quarters of a batch: the reader still sleeps (it was woken per chunk before).
    expect(first.value).toBeUndefined()
    body.push(Buffer.alloc(quarter, 3))
    await turn()
    expect(first.value?.value?.[0]).toBe(0)
    for (let index = 1; index < 4; index++) expect((await reader.next()).value[0]).toBe(index)
  })

  it('within a few WAKE_MS when less than a batch arrives, so a slow body still flows', {timeout: 3_000}, async () => {
    const body = new ResponseBody()
    const reader = body[Symbol.asyncIterator]()
    const started = performance.now()
    const next = reader.next()
    body.push(Buffer.from('slow'))
    expect((await next).value?.toString()).toBe('slow')
    expect(performance.now() - started).toBeLessThan(WAKE_MS * 20)
  })

  it('one read at a time: a second read while one waits is refused, and the first still gets the next chunk', {timeout: 3_000}, async () => {
    const body = new ResponseBody()
    const reader = body[Symbol.asyncIterator]()
    const first = reader.next()
    await expect(reader.next()).rejects.toThrow('one reader at a time')
    body.push(Buffer.from('only'))
    body.end()
    expect((await first).value?.toString()).toBe('only')
  })

  it('at once when the body ends or fails, with the chunks queued before', {timeout: 3_000}, async () => {
    const ended = new ResponseBody()
    const endedReader = ended[Symbol.asyncIterator]()
    const last = track(endedReader.next())
    ended.push(Buffer.from('tail'))
    ended.end()
    await turn()
    expect(last.value?.value?.toString()).toBe('tail')
    expect((await endedReader.next()).done).toBe(true)

    const failed = new ResponseBody()
    const failedReader = failed[Symbol.asyncIterator]()
    const pending = failedReader.next()
    failed.push(Buffer.from('before'))
    failed.fail(new Error('connection reset'))
    expect((await pending).value?.toString()).toBe('before')
    await expect(failedReader.next()).rejects.toThrow('connection reset')
  })
})


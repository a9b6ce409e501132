// The local FTP mirror's protocol and fault knobs, seen through basic-ftp, a raw control connection and the FTP transport.
import {connect, type Socket} from 'node:net'
import {Writable} from 'node:stream'
import {Client} from 'basic-ftp'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ftpTransport} from '../../src/plugins/transports/ftp.js'
import {makeContent} from '../helpers/content.js'
import {startFtpMirror, type FtpMirror} from '../helpers/ftp-mirror.js'
import {collect} from '../helpers/transport-calls.js'
import {holds, until} from '../helpers/until.js'

const content = makeContent(200 * 1024, 3)
const transport = ftpTransport.create({connectTimeout: 5000})
let mirror: FtpMirror


const url = () => new URL(`${mirror.url}file.bin`)
const signal = () => AbortSignal.timeout(10_000)

/** A raw control connection that returns each reply line as it arrives. */
async function rawControl(port: number): Promise<{socket: Socket; next(): Promise<string>}> {
  const socket = connect(port, '127.0.0.1')
  const lines: string[] = []
  const waiters: ((line: string) => void)[] = []
  let buffer = ''
  socket.setEncoding('utf8')
  socket.on('data', (text: string) => {
    buffer += text
    let index: number
    while ((index = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, index)
      buffer = buffer.slice(index + 2)
      const waiter = waiters.shift()
      if (waiter) waiter(line)
      else lines.push(line)
    }
  })
  const next = () => {
    const line = lines.shift()
    if (line !== undefined) return Promise.resolve(line)
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply within 5 s')), 5000)
      waiters.push((value) => {
        clearTimeout(timer)
        resolve(value)
      })
    })
  }
  return {socket, next}
}

/** A raw session, logged in, that can send a command and return its whole reply (every line of a multi-line one). */
async function rawSession(port: number): Promise<{command(line: string): Promise<string[]>; listing(line: string): Promise<{data: string; replies: string[]}>; close(): void}> {
  const {socket, next} = await rawControl(port)
  const reply = async () => {
    const lines = [await next()]
    if (/^\d{3}-/.test(lines[0] ?? '')) while (!/^\d{3} /.test(lines[lines.length - 1] ?? '')) lines.push(await next())
    return lines
  }
  const command = async (line: string) => {
    socket.write(`${line}\r\n`)
    return reply()
  }
  expect(await reply()).toEqual([expect.stringMatching(/^220/)])
  await command('USER anonymous')
  expect(await command('PASS x')).toEqual([expect.stringMatching(/^230/)])
  return {
    command,
    /** Runs a LIST-like command over a passive data connection: what came over it, and the control replies. */
    async listing(line) {
      const port = Number(/\|\|\|(\d+)\|/.exec((await command('EPSV'))[0] ?? '')?.[1])
      const data = connect(port, '127.0.0.1')
      const chunks: Buffer[] = []
      const ended = new Promise<void>((resolve) => data.on('data', (chunk: Buffer) => chunks.push(chunk)).once('close', () => resolve()))
      const replies = await command(line)
      if (/^150/.test(replies[0] ?? '')) replies.push(...(await reply()))
      await ended
      return {data: Buffer.concat(chunks).toString('utf8'), replies}
    },
    close: () => socket.destroy(),
  }
}

beforeAll(async () => {
  mirror = await startFtpMirror({files: {'file.bin': content, 'other.bin': content.subarray(0, 10)}})
})

afterAll(async () => {
  await mirror?.close()
})

describe('local FTP mirror', () => {
  it('lists its files and answers FEAT, SIZE and HASH as a real server would', async () => {
    const client = new Client(5000)
    try {
      await client.access({host: '127.0.0.1', port: mirror.port})
      const listing = await client.list()
      expect(listing.map((entry) => [entry.name, entry.size]).sort()).toEqual([['file.bin', content.length], ['other.bin', 10]])
      const features = await client.features()
      expect(features.get('REST')).toBe('STREAM')
      expect(await client.size('file.bin')).toBe(content.length)
      const hash = await client.send('HASH file.bin')
      expect(hash.message).toMatch(/^213 SHA-256 0-204799 [0-9a-f]{64} file\.bin$/)
    } finally {
      client.close()
    }
  })

  it('without SIZE (noSize, noMdtm): 502 replies, both left out of FEAT, and LIST still shows each file with its size and date', async () => {
    mirror.setFaults({noSize: true, noMdtm: true})
    const session = await rawSession(mirror.port)
    try {
      const features = await session.command('FEAT')
      expect(features).toContain(' REST STREAM')
      expect(features.filter((line) => /^ (SIZE|MDTM|MLST)/.test(line))).toEqual([])
      expect(await session.command('SIZE file.bin')).toEqual(['502 Command not implemented'])
      expect(await session.command('MDTM file.bin')).toEqual(['502 Command not implemented'])
      const file = await session.listing('LIST file.bin')
      expect(file.data).toBe(`-rw-r--r--    1 ftp      ftp        ${content.length} Jan 01  2024 file.bin\r\n`)
      expect(file.replies).toEqual([expect.stringMatching(/^150/), expect.stringMatching(/^226/)])
      expect((await session.listing('LIST -a other.bin')).data).toMatch(/^-rw-r--r-- +1 ftp +ftp +10 Jan 01 {2}2024 other\.bin\r\n$/)
      const missing = await session.listing('LIST nope.bin')
      expect([missing.data, missing.replies.at(-1)]).toEqual(['', expect.stringMatching(/^226/)])
      // The knobs off again: SIZE and MDTM answer as before, on the same session.
      mirror.setFaults({})
      expect(await session.command('SIZE file.bin')).toEqual([`213 ${content.length}`])
      expect(await session.command('MDTM file.bin')).toEqual(['213 20240101000000'])
      expect((await session.command('FEAT')).filter((line) => /^ (SIZE|MDTM)$/.test(line))).toEqual([' SIZE', ' MDTM'])
    } finally {
      session.close()
      mirror.setFaults({})
    }
  })

  it("lists a directory's files and subdirectories, a file alone, nothing for a missing path, and a recent file's time of day", async () => {
    const recent = new Date(Date.now() - 3600_000)
    const own = await startFtpMirror({files: {'pub/f.iso': content.subarray(0, 3000), 'pub/sub/x.bin': content.subarray(0, 5)}, modifiedAt: recent})
    const client = new Client(5000)
    try {
      await client.access({host: '127.0.0.1', port: own.port})
      const entries = await client.list('pub')
      expect(entries.map((entry) => [entry.name, entry.isDirectory, entry.isDirectory ? 0 : entry.size])).toEqual([['f.iso', false, 3000], ['sub', true, 0]])
      const time = `${recent.toUTCString().slice(8, 11)} ${recent.toISOString().slice(8, 10)} ${recent.toISOString().slice(11, 16)}`
      expect(entries[0]?.rawModifiedAt).toBe(time)
      expect((await client.list('/pub/f.iso')).map((entry) => [entry.name, entry.size])).toEqual([['f.iso', 3000]])
      expect(await client.list('pub/nope.iso')).toEqual([])
    } finally {
      client.close()
      await own.close()
    }
  })

  it('answers MLST and MLSD only under the mlst knob, and counts the commands it receives', async () => {
    const client = new Client(5000)
    try {
      await client.access({host: '127.0.0.1', port: mirror.port})
      expect((await client.features()).has('MLST')).toBe(false)
      await expect(client.send('MLST file.bin')).rejects.toMatchObject({code: 502})
      client.close()
      mirror.setFaults({mlst: true, noSize: true})
      await client.access({host: '127.0.0.1', port: mirror.port})
      expect((await client.features()).get('MLST')).toBe('type*;size*;modify*;')
      const mlst = await client.send('MLST file.bin')
      expect(mlst.message.split('\n')).toEqual(['250-Listing file.bin', ` type=file;size=${content.length};modify=20240101000000; /file.bin`, '250 End'])
      await expect(client.send('MLST nope.bin')).rejects.toMatchObject({code: 550})
      const before = {...mirror.stats.commands}
      // basic-ftp lists with MLSD once FEAT offers MLST.
      const listed = await client.list()
      expect(listed.map((entry) => [entry.name, entry.size, entry.modifiedAt?.toISOString()]).sort()).toEqual([
        ['file.bin', content.length, '2024-01-01T00:00:00.000Z'],
        ['other.bin', 10, '2024-01-01T00:00:00.000Z'],
      ])
      // MLSD of a file is refused before any transfer (RFC 3659: 501), and the session carries on.
      await expect(client.list('file.bin')).rejects.toMatchObject({code: 501})
      expect((await client.list()).length).toBe(2)
      const counted = (verb: string) => (mirror.stats.commands[verb] ?? 0) - (before[verb] ?? 0)
      expect([counted('MLSD'), counted('LIST'), counted('EPSV')]).toEqual([3, 0, 3])
    } finally {
      client.close()
      mirror.setFaults({})
    }
  })

  it('caps bandwidth for the whole server, shared by concurrent transfers', async () => {
    mirror.setFaults({bytesPerSecond: 400 * 1024})
    try {
      const started = performance.now()
      const [first, second] = await Promise.all([
        collect(transport.read(url(), {offset: 0, length: 100 * 1024}, {signal: signal()})),
        collect(transport.read(url(), {offset: 100 * 1024, length: 100 * 1024}, {signal: signal()})),
      ])
      const seconds = (performance.now() - started) / 1000
      expect(Buffer.concat([first, second]).equals(content)).toBe(true)
      // 200 KiB at 400 KiB/s in total takes half a second; the burst allowance is tiny.
      expect(seconds).toBeGreaterThan(0.4)
      expect(seconds).toBeLessThan(5)
    } finally {
      mirror.setFaults({})
    }
  })

  it('delays the first byte, flips corrupt offsets, and reports an overridden size', async () => {
    mirror.setFaults({firstByteDelayMs: 300, corrupt: [5, 70_000], size: 123})
    try {
      const started = performance.now()
      const bytes = await collect(transport.read(url(), {offset: 0, length: 100_000}, {signal: signal()}))
      expect(performance.now() - started).toBeGreaterThan(280)
      const differing = [...bytes.keys()].filter((index) => bytes[index] !== content[index])
      expect(differing).toEqual([5, 70_000])
      expect((await transport.stat(url(), {signal: signal()})).size).toBe(123)
    } finally {
      mirror.setFaults({})
    }
  })

  it('answers 550 for a path it is told to hide, and serves the others', async () => {
    mirror.setFaults({reply550: ['/file.bin']})
    try {
      await expect(transport.stat(url(), {signal: signal()})).rejects.toMatchObject({code: 'ENOTFOUND'})
      expect((await transport.stat(new URL(`${mirror.url}other.bin`), {signal: signal()})).size).toBe(10)
    } finally {
      mirror.setFaults({})
    }
  })

  it('stalls after the set byte count and holds the connection open', async () => {
    mirror.setFaults({stallAfter: 30_000})
    try {
      const controller = new AbortController()
      let received = 0
      const reading = (async () => {
        for await (const chunk of transport.read(url(), undefined, {signal: controller.signal})) received += chunk.length
      })().catch(() => undefined)
      // Wait (bounded) for the bytes before the stall, then check that nothing more comes.
      await until(() => received >= 30_000, 'the bytes before the stall arrive')
      await holds(() => received === 30_000, 'no byte arrives after the stall', 300)
      controller.abort()
      await reading
    } finally {
      mirror.setFaults({})
    }
  })

  it('aborts a running transfer on ABOR with 426 then 226', async () => {
    mirror.setFaults({stallAfter: 1000})
    const {socket, next} = await rawControl(mirror.port)
    try {
      expect(await next()).toMatch(/^220/)
      socket.write('USER anonymous\r\n')
      expect(await next()).toMatch(/^331/)
      socket.write('PASS x\r\n')
      expect(await next()).toMatch(/^230/)
      socket.write('EPSV\r\n')
      const port = Number(/\|\|\|(\d+)\|/.exec(await next())?.[1])
      const data = connect(port, '127.0.0.1')
      data.on('error', () => {})
      data.pipe(new Writable({write: (_chunk, _encoding, done) => done()}))
      socket.write('RETR file.bin\r\n')
      expect(await next()).toMatch(/^150/)
      socket.write('ABOR\r\n')
      expect(await next()).toMatch(/^426/)
      expect(await next()).toMatch(/^226/)
      expect(mirror.stats.aborts).toBeGreaterThan(0)
    } finally {
      socket.destroy()
      mirror.setFaults({})
    }
  })

  it('destroys every socket on close, ending stalled transfers at once', async () => {
    const own = await startFtpMirror({files: {'file.bin': content}, faults: {stallAfter: 10_000}})
    const reading = collect(transport.read(new URL(`${own.url}file.bin`), undefined, {signal: signal()})).catch((error: unknown) => error)
    await until(() => own.stats.bytesSent >= 10_000, 'the transfer reaches its stall')
    expect(own.stats.openSockets).toBeGreaterThan(0)
    const started = performance.now()
    await own.close()
    expect(own.stats.openSockets).toBe(0)
    expect(await reading).toMatchObject({code: 'ESHORT', retryable: true})
    expect(performance.now() - started).toBeLessThan(2000)
  })
})

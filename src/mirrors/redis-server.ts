// Starts Debian's redis-server on a random loopback port with a temporary directory, for tests, the demo and benchmarks.
import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {freeLoopbackPort} from './free-port.js'

export type RedisServerOptions = {
  /** Append-only persistence (fsync every second), so a restart keeps the queue; on by default. */
  persistent?: boolean
  /** The executable; default: redis-server on PATH or /usr/bin/redis-server. */
  binary?: string
  /** Milliseconds to wait for "Ready to accept connections". */
  startTimeoutMs?: number
}

export type RedisServer = {
  /** redis://127.0.0.1:PORT/0 */
  url: string
  port: number
  directory: string
  /** Stops the server (SIGTERM, so it writes its files) and starts it again on the same port and directory. */
  restart(): Promise<void>
  /** Stops the server and removes its directory. */
  close(): Promise<void>
}

/** The redis-server binary, or undefined when it is not installed (tests skip then, and say why). */
export function findRedisServer(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(':').concat('/usr/bin', '/usr/sbin')) {
    if (directory && existsSync(join(directory, 'redis-server'))) return join(directory, 'redis-server')
  }
  return undefined
}


function launch(binary: string, port: number, directory: string, persistent: boolean, timeoutMs: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes']
  // BullMQ asks for noeviction: an evicted job key would be a lost job.
  args.push('--maxmemory-policy', 'noeviction', '--appendonly', persistent ? 'yes' : 'no', '--appendfsync', 'everysec')
  const child = spawn(binary, args, {stdio: ['ignore', 'pipe', 'pipe']})
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${timeoutMs} ms: ${output.slice(-300)}`)), timeoutMs)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.once('error', fail)
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}: ${output.slice(-300)}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        child.removeAllListeners('error')
        child.stdout!.removeAllListeners('data')
        child.stdout!.resume()
        resolve(child)
      }
    })
    child.stderr!.resume()
  })
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    // SIGTERM makes redis write its append-only file before it exits; the kill after 5 s bounds a stuck one.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** A private redis-server: loopback only, its own directory, stopped by pid. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? findRedisServer()
  if (!binary) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)')
  const directory = await mkdtemp(join(tmpdir(), 'mirrorkit-redis-'))
  const persistent = options.persistent ?? true
  const timeoutMs = options.startTimeoutMs ?? 10_000
  let port = 0
  let child: ChildProcess | undefined
  // A port found free can be taken before redis binds it; a few tries make that race harmless.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freeLoopbackPort()
    try {
      child = await launch(binary, port, directory, persistent, timeoutMs)
    } catch (error) {
      if (attempt === 4) {
        await rm(directory, {recursive: true, force: true})
        throw error
      }
    }
  }
  let current = child!
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    directory,
    async restart() {
      await stop(current)
      current = await launch(binary, port, directory, persistent, timeoutMs)
    },
    async close() {
      await stop(current)
      await rm(directory, {recursive: true, force: true})
    },
  }
}

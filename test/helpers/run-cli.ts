// Runs the built CLI (node bin/run.cjs) as a child with a hard timeout, and measures how long it lingers after its last output.
import {spawn} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))
export const binary = fileURLToPath(new URL('../../bin/run.cjs', import.meta.url))
const probe = fileURLToPath(new URL('./leak-probe.mjs', import.meta.url))
let probes = 0

export type CliResult = {
  /** Exit code, or undefined when it was killed (by us, on timeout, or by a signal). */
  code: number | undefined
  signal: NodeJS.Signals | undefined
  stdout: string
  stderr: string
  durationMs: number
  /** Milliseconds between the last byte it wrote and its exit: a leaked socket or timer shows up here. */
  exitLagMs: number
  timedOut: boolean
  /**
   * Sockets, servers and timers (libuv resource names) still open when it exited (process.exit skips waiting
   * for them), and those still open 1.5 s after its last output, if it was still running then.
   */
  leaks: {open: string[]; lingering?: string[]}
}

export type CliOptions = {
  cwd?: string
  timeoutMs?: number
  env?: Record<string, string>
  /** Called with the child's pid once it runs, and on each stdout/stderr chunk (to sample /proc while it works). */
  onSpawn?: (pid: number) => void
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void
}

/** Stdin is closed, because the CLI reads a piped stdin to its end. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = Date.now()
  const leakFile = join(tmpdir(), `mirrorkit-leaks-${process.pid}-${++probes}.json`)
  const child = spawn(process.execPath, [binary, ...args], {
    cwd: options.cwd ?? projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, NO_COLOR: '1', NODE_OPTIONS: `--import=${probe}`, MIRRORKIT_LEAK_FILE: leakFile, ...options.env},
  })
  let stdout = ''
  let stderr = ''
  let lastOutput = started
  if (child.pid !== undefined) options.onSpawn?.(child.pid)
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    lastOutput = Date.now()
    options.onOutput?.('stdout', chunk.toString('utf8'))
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
    lastOutput = Date.now()
    options.onOutput?.('stderr', chunk.toString('utf8'))
  })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, options.timeoutMs ?? 30_000)
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      const ended = Date.now()
      let leaks: CliResult['leaks'] = {open: []}
      try {
        leaks = JSON.parse(readFileSync(leakFile, 'utf8')) as CliResult['leaks']
        rmSync(leakFile, {force: true})
      } catch {
        // Killed before its exit handler ran: nothing recorded.
      }
      resolve({
        leaks,
        code: code ?? undefined,
        signal: signal ?? undefined,
        stdout,
        stderr,
        durationMs: ended - started,
        exitLagMs: ended - lastOutput,
        timedOut,
      })
    })
  })
}

/** The stable error code the CLI printed last on stderr ("mirrorkit: ... (CODE)"), if any. */
export function errorCode(result: CliResult): string | undefined {
  const lines = result.stderr.trim().split('\n').reverse()
  for (const line of lines) {
    const match = /^mirrorkit: .*\(([A-Z_0-9]+)\)$/.exec(line)
    if (match) return match[1]
  }
  return undefined
}

// `mirrorkit demo --json` with the real binary: the sha256 matches, the corrupt and stale mirrors are caught, and nothing is left running.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {connect} from 'node:net'
import {describe, expect, it} from 'vitest'
import type {DemoResult} from '../../src/core/demo/run-demo.js'
import {binary, projectRoot, runCli} from '../helpers/run-cli.js'

/** Resolves true when something still accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port, timeout: 2000})
    const settle = (open: boolean) => {
      socket.destroy()
      resolve(open)
    }
    socket.once('connect', () => settle(true))
    socket.once('error', () => settle(false))
    socket.once('timeout', () => settle(false))
  })
}

describe('mirrorkit demo (CLI)', () => {
  it('runs the whole pipeline on its own local mirrors, checks the sha256, and stops everything', async () => {
    const run = await runCli(['demo', '--json', '--size', '4M'], {timeoutMs: 120_000, env: {XDG_DATA_HOME: '/nonexistent-mirrorkit-demo'}})
    expect(run.timedOut).toBe(false)
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as DemoResult
    expect(result.matched).toBe(true)
    expect(result.actualSha256).toBe(result.expectedSha256)
    const verdicts = Object.fromEntries(result.report.verify.candidates.map((candidate) => [candidate.url, candidate.verify?.status]))
    for (const mirror of result.mirrors) expect(verdicts[mirror.url], mirror.role).toBe(mirror.expected)
    const corrupt = result.mirrors.find((mirror) => mirror.expected === 'mismatch')!
    expect(result.report.fetch.mirrors.some((mirror) => mirror.url === corrupt.url)).toBe(false)
    // The sneaky mirror passes verify's samples; the piece hashes catch it during the download.
    const sneaky = result.mirrors.find((mirror) => mirror.caughtByPieces)!
    expect(result.report.fetch.mirrors.find((mirror) => mirror.url === sneaky.url)?.state).toBe('quarantined')
    // Honest mirrors that shared pieces with it (cuts, steals, hedges) are not blamed for its lies.
    expect(result.report.fetch.mirrors.filter((mirror) => mirror.state === 'quarantined').map((mirror) => mirror.url)).toEqual([sneaky.url])
    expect(result.report.fetch.checks.find((check) => check.name === 'pieces')?.ok).toBe(true)
    // Found through two sources: the metalink next to the file, and the search page.
    const sources = new Set(result.report.discover.candidates.flatMap((candidate) => candidate.foundBy))
    expect([...sources]).toEqual(expect.arrayContaining(['primary', 'neighbours', 'search:demo-search']))
    expect(existsSync(result.directory)).toBe(false)
    const ports = [...new Set(result.mirrors.map((mirror) => Number(new URL(mirror.url).port)))]
    expect(await Promise.all(ports.map(listening))).toEqual(ports.map(() => false))
    // The process ended by itself soon after its last output: no socket or timer kept it alive.
    expect(run.exitLagMs).toBeLessThan(5000)
  }, 150_000)

  it('on SIGTERM mid-download exits 130 (EABORTED), removes its temporary directory and closes its ports', async () => {
    const child = spawn(process.execPath, [binary, 'demo', '--size', '32M'], {cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    let signalled = false
    child.stdout.resume()
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (!signalled && stderr.includes('== fetch')) {
        signalled = true
        setTimeout(() => child.kill('SIGTERM'), 300)
      }
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)))
    clearTimeout(timer)
    expect(signalled, stderr).toBe(true)
    expect(code, stderr).toBe(130)
    expect(stderr).toMatch(/\(EABORTED\)/)
    const directory = /working in (\S+)/.exec(stderr)?.[1]
    expect(directory, stderr).toBeDefined()
    expect(existsSync(directory!)).toBe(false)
    const ports = [...new Set([...stderr.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1])))]
    expect(ports.length).toBeGreaterThan(3)
    expect(await Promise.all(ports.map(listening))).toEqual(ports.map(() => false))
  }, 150_000)
})

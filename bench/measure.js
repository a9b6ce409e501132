// Runs one download command under /usr/bin/time and returns wall seconds, CPU seconds and peak RSS.
import {mkdir, readFile, rm} from 'node:fs/promises'
import path from 'node:path'
import {spawnTracked, stopChild} from './children.js'
import {outDirectory} from './paths.js'

/** Output kept from each stream: enough for a failure's reason and a long run's JSON progress events. */
const TAIL_BYTES = 1024 * 1024
let runs = 0

/**
 * Variables of the machine running the bench that would change a client's start-up and not its download:
 * NODE_EXTRA_CA_CERTS makes every Node process parse the named certificates at start (this sandbox sets
 * it to the whole system bundle: +30-50 ms per start, measured with `node -e 0`). The clients trust the
 * HTTPS mirrors' test CA through their own flags; BENCH_KEEP_ENV=1 keeps the variables.
 */
export const droppedVariables = process.env.BENCH_KEEP_ENV === '1' ? [] : ['NODE_EXTRA_CA_CERTS'].filter((name) => process.env[name] !== undefined)

function clientEnvironment(extra) {
  const environment = {...process.env, ...extra}
  for (const name of droppedVariables) delete environment[name]
  return environment
}

/**
 * Runs `command args` (inside `namespace` when given), killing it after `timeoutMs`.
 * `onStart(startedAt)` runs right after the spawn, so a scenario can schedule faults; it may return {cancel()}.
 */
export async function measure({command, args, namespace, timeoutMs, environment, onStart}) {
  // Inside bench/out (git-ignored), so even a run killed by SIGKILL leaves nothing in /tmp.
  const scratch = path.join(outDirectory, 'time')
  await mkdir(scratch, {recursive: true})
  const timeFile = path.join(scratch, `${process.pid}-${++runs}.txt`)
  const timed = ['/usr/bin/time', '-f', '%e %U %S %M', '-o', timeFile, command, ...args]
  const [program, programArguments] = namespace ? ['ip', ['netns', 'exec', namespace, ...timed]] : [timed[0], timed.slice(1)]
  const startedAt = performance.now()
  const spawnedAt = Date.now()
  const child = spawnTracked(program, programArguments, {env: clientEnvironment(environment)})
  const stdout = collectTail(child.stdout)
  const stderr = collectTail(child.stderr)
  const scheduled = onStart ? onStart(startedAt) : undefined
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    void stopChild(child)
  }, timeoutMs)
  const exitCode = await new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
    child.once('error', () => resolve(127))
  })
  const elapsed = (performance.now() - startedAt) / 1000
  const exitedAt = Date.now()
  clearTimeout(timer)
  // /usr/bin/time exits at once on SIGTERM, so wait until the client under it is gone too:
  // the next row must not share the machine (or an output file) with it.
  await stopChild(child)
  scheduled?.cancel()
  const usage = await readUsage(timeFile)
  await rm(timeFile, {force: true})
  return {
    exitCode,
    timedOut,
    spawnedAt,
    exitedAt,
    startedAt,
    wallSeconds: usage?.wall ?? elapsed,
    cpuSeconds: usage ? usage.user + usage.system : undefined,
    userSeconds: usage?.user,
    systemSeconds: usage?.system,
    peakRssMB: usage ? (usage.maxRssKiB * 1024) / 1e6 : undefined,
    stdout: stdout.text(),
    stderr: stderr.text(),
  }
}

async function readUsage(file) {
  let text
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return undefined
  }
  // GNU time prefixes "Command exited with non-zero status N" when the command fails; the numbers are the last line.
  const last = text.trim().split('\n').at(-1) ?? ''
  const [wall, user, system, maxRssKiB] = last.trim().split(/\s+/).map(Number)
  if (![wall, user, system, maxRssKiB].every(Number.isFinite)) return undefined
  return {wall, user, system, maxRssKiB}
}

function collectTail(stream) {
  let text = ''
  stream?.setEncoding('utf8')
  stream?.on('data', (chunk) => {
    text += chunk
    if (text.length > TAIL_BYTES * 2) text = text.slice(-TAIL_BYTES)
  })
  return {text: () => text.slice(-TAIL_BYTES)}
}

// Preloaded into CLI children (NODE_OPTIONS=--import): records what still holds the event loop after the last output, and at exit, in MIRRORKIT_LEAK_FILE.
import {writeFileSync} from 'node:fs'

const file = process.env.MIRRORKIT_LEAK_FILE
const LINGER_MS = 1500
// Stdio pipes belong to the process, a pending fs callback is oclif's bookkeeping, and a CloseReq is a socket already closing; open sockets, servers and timers are leaks.
const ours = () => process.getActiveResourcesInfo().filter((name) => !['PipeWrap', 'TTYWrap', 'FSReqCallback', 'FSReqPromise', 'CloseReq'].includes(name))

if (file) {
  // Where each live timer was made, so a lingering one can be named.
  const timers = new Map()
  for (const name of ['setTimeout', 'setInterval']) {
    const original = globalThis[name]
    globalThis[name] = function (callback, delay, ...rest) {
      const timer = original.call(this, (...args) => {
        if (name === 'setTimeout') timers.delete(timer)
        return callback(...args)
      }, delay, ...rest)
      timers.set(timer, `${name}(${delay}) ${new Error().stack.split('\n').slice(2, 5).map((line) => line.trim()).join(' < ')}`)
      return timer
    }
  }
  for (const name of ['clearTimeout', 'clearInterval']) {
    const original = globalThis[name]
    globalThis[name] = function (timer) {
      timers.delete(timer)
      return original.call(this, timer)
    }
  }
  const liveTimers = () => [...timers].filter(([timer]) => typeof timer?.hasRef !== 'function' || timer.hasRef()).map(([, where]) => where)
  let lingering
  let timer
  const watch = (stream) => {
    const write = stream.write.bind(stream)
    stream.write = (...args) => {
      // Only a quiet spell after the final output counts, not a pause mid-run.
      lingering = undefined
      clearTimeout(timer)
      // Unref'd: the probe itself never keeps the process alive.
      timer = setTimeout(() => {
        lingering = ours()
        if (lingering.includes('Timeout')) lingering.push(...liveTimers())
      }, LINGER_MS).unref()
      return write(...args)
    }
  }
  watch(process.stdout)
  watch(process.stderr)
  process.on('exit', (code) => {
    const open = ours()
    if (open.includes('Timeout')) open.push(...liveTimers())
    writeFileSync(file, JSON.stringify({code, open, ...(lingering ? {lingering} : {})}))
  })
}

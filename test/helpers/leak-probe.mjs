// Preloaded into CLI children (NODE_OPTIONS=--import): records what still holds the event loop after the last output, and at exit, in MIRRORKIT_LEAK_FILE.
import {writeFileSync} from 'node:fs'

const file = process.env.MIRRORKIT_LEAK_FILE
const LINGER_MS = 1500
// Stdio pipes belong to the process, a pending fs callback is oclif's bookkeeping, and a CloseReq is a socket already closing; open sockets, servers and timers are leaks.
const ours = () => process.getActiveResourcesInfo().filter((name) => !['PipeWrap', 'TTYWrap', 'FSReqCallback', 'FSReqPromise', 'CloseReq'].includes(name))

if (file) {
  let lingering
  let timer
  const watch = (stream) => {
    const write = stream.write.bind(stream)
    stream.write = (...args) => {
      clearTimeout(timer)
      // Unref'd: the probe itself never keeps the process alive.
      timer = setTimeout(() => (lingering = ours()), LINGER_MS).unref()
      return write(...args)
    }
  }
  watch(process.stdout)
  watch(process.stderr)
  process.on('exit', (code) => {
    writeFileSync(file, JSON.stringify({code, open: ours(), ...(lingering ? {lingering} : {})}))
  })
}

// Wakes a waiting body reader once per batch of chunks instead of once per chunk: every wake costs an event-loop turn of promise jobs, and over TLS each chunk is one 16 KiB record.

/** A reader is woken once this much is queued for it... */
export const WAKE_BYTES = 64 * 1024
/** ...or at the latest this long after a smaller amount was queued, so a slow body still flows. */
export const WAKE_MS = 5

/** Something holding queued chunks back from its waiting reader. */
export type Held = {release(): void}

const held = new Set<Held>()
let timer: NodeJS.Timeout | undefined

/**
 * Promises `body` a release within WAKE_MS. One timer serves every held body: a timer per body
 * and batch would cost about what the batching saves.
 */
export function holdBack(body: Held): void {
  held.add(body)
  timer ??= setTimeout(releaseAll, WAKE_MS)
}

function releaseAll(): void {
  timer = undefined
  const bodies = [...held]
  held.clear()
  for (const body of bodies) body.release()
}

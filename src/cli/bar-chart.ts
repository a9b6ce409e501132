// Horizontal bars drawn with block characters, so rank's table shows relative throughput at a glance.

const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** One bar per value, scaled so the largest fills `width` cells; eighths of a cell keep small differences visible. */
export function renderBars(values: ReadonlyArray<number | undefined>, width = 24): string[] {
  const largest = Math.max(0, ...values.map((value) => value ?? 0))
  return values.map((value) => {
    if (!value || !(largest > 0)) return ''
    const eighths = Math.max(1, Math.round((value / largest) * width * 8))
    return '█'.repeat(Math.floor(eighths / 8)) + PARTIAL[eighths % 8]
  })
}

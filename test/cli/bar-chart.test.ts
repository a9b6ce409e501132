// Tests that bars scale to the largest value and keep small values visible.
import {describe, expect, it} from 'vitest'
import {renderBars} from '../../src/cli/bar-chart.js'

describe('renderBars', () => {
  it('scales to the largest value with eighth-cell precision', () => {
    const [full, half, tiny, none] = renderBars([100, 50, 0.1, undefined], 8)
    expect(full).toBe('████████')
    expect(half).toBe('████')
    expect(tiny).toBe('▏')
    expect(none).toBe('')
  })
})

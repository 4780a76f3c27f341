/**
 * Interrupt notices tell what another Ctrl-C would do (`… (press Ctrl-C again to cancel updates in
 * progress)`, `…; press Ctrl-C once more to quit at once`). Once the run is over that advice is
 * stale: the last frame and the summary left in the scrollback drop it (issue 17: it was still
 * there after the process had exited).
 */
export function withoutKeyAdvice(notice: string): string {
  return notice.replace(/ \(press Ctrl-C [^)]*\)/g, '').replace(/;? *press Ctrl-C [^;()]*$/, '');
}

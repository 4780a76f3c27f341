/**
 * File I/O the virtual clock must wait for. The clock holds virtual time while real I/O is in
 * flight (a stack reading its template must not see minutes of simulated time go by), and it
 * learns of I/O from `process.getActiveResourcesInfo()`. From Node 26 on, `fs.readFile` and
 * `fs.writeFile` run natively without a request that list shows, so reads made through here are
 * counted as well: the hold then works the same on every Node version we support.
 */
let inFlight = 0;

/** Awaits `work`, counted as I/O in flight until it settles. */
export async function duringIo<T>(work: Promise<T>): Promise<T> {
  inFlight += 1;
  try {
    return await work;
  } finally {
    inFlight -= 1;
  }
}

/** How many `duringIo` operations have not settled yet. */
export function ioInFlight(): number {
  return inFlight;
}

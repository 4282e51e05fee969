// Discord wants the first answer to an interaction within 3 s. Both paths race the assistant
// against a shorter deadline and defer when it is missed.

/** The work's value if it settles within ms, else 'late' (the work keeps running). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Resolves with the work's value, calling defer() first when it is not done within ms. */
export async function withDeferral<T>(
  work: Promise<T>,
  ms: number,
  defer: () => Promise<unknown>,
): Promise<T> {
  const first = await within(work, ms);
  if (first !== 'late') return first;
  await defer();
  return work;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

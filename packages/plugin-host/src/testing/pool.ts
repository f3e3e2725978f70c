/**
 * Runs `job(0)` … `job(count - 1)` with at most `width` running at once and resolves with their
 * results in index order. Jobs start in index order, so a job that draws its input from a seeded
 * generator before its first `await` still reproduces from the seed. The first job that rejects rejects the pool.
 */
export async function pool<T>(count: number, width: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await job(index);
      }
    }),
  );
  return results;
}

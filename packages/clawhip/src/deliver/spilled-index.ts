/**
 * FNV-1a over the key's length and its first 48 UTF-16 code units (the event id and the route), cut
 * to 30 bits. Keys that share it (one event's jobs to several targets) are told apart by reading their
 * lines.
 */
export function keyHash(key: string): number {
  let hash = Math.imul(0x811c9dc5 ^ key.length, 0x01000193);
  const end = Math.min(key.length, 48);
  for (let index = 0; index < end; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return hash & 0x3fffffff;
}

/** A slot never used: a probe stops here. */
const EMPTY = -1;
/** A slot whose entry was removed: a probe goes on past it, an insert may reuse it. */
const REMOVED = -2;
const MIN_CAPACITY = 1024;

/**
 * Where the file-only job lines start, by the hash of their key: the spool's dedupe index for the jobs
 * it keeps only in its file. A backlog of a dead target can reach millions of lines, so it is two typed
 * arrays (open addressing, linear probing, at most half full): 12 bytes a slot, nothing for the garbage
 * collector to trace, and no hash-table object per entry. Several lines may share a hash; each is its
 * own entry, and `offsetsOf` answers them all.
 */
export class SpilledIndex {
  #hashes: Int32Array;
  #offsets: Float64Array;
  #live = 0;
  /** Slots that are not EMPTY: live entries and removed ones. */
  #used = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.#hashes = new Int32Array(capacity).fill(EMPTY);
    this.#offsets = new Float64Array(capacity);
  }

  get size(): number {
    return this.#live;
  }

  /** Records that the file-only job line of `key` starts at `offset`. */
  add(key: string, offset: number): void {
    if ((this.#used + 1) * 2 > this.#hashes.length) this.#rehash();
    this.#insert(keyHash(key), offset);
  }

  /** Where the lines whose key hashes like `key` start: the one to read to confirm it, or the few. */
  offsetsOf(key: string): number[] {
    const hash = keyHash(key);
    const hashes = this.#hashes;
    const mask = hashes.length - 1;
    const found: number[] = [];
    for (let slot = hash & mask; hashes[slot] !== EMPTY; slot = (slot + 1) & mask) {
      if (hashes[slot] === hash) found.push(this.#offsets[slot] as number);
    }
    return found;
  }

  /** Forgets the entry of `key` at `offset`, if there is one. */
  remove(key: string, offset: number): void {
    const hash = keyHash(key);
    const hashes = this.#hashes;
    const mask = hashes.length - 1;
    for (let slot = hash & mask; hashes[slot] !== EMPTY; slot = (slot + 1) & mask) {
      if (hashes[slot] === hash && this.#offsets[slot] === offset) {
        hashes[slot] = REMOVED;
        this.#live -= 1;
        return;
      }
    }
  }

  /** The same entries for lines that start `by` bytes further into the file. */
  shifted(by: number): SpilledIndex {
    const moved = new SpilledIndex(this.#hashes.length);
    moved.#hashes.set(this.#hashes);
    moved.#offsets.set(this.#offsets);
    for (let slot = 0; slot < this.#hashes.length; slot += 1)
      if ((this.#hashes[slot] as number) >= 0) (moved.#offsets[slot] as number) += by;
    moved.#live = this.#live;
    moved.#used = this.#used;
    return moved;
  }

  #insert(hash: number, offset: number): void {
    const hashes = this.#hashes;
    const mask = hashes.length - 1;
    let slot = hash & mask;
    while ((hashes[slot] as number) >= 0) slot = (slot + 1) & mask;
    if (hashes[slot] === EMPTY) this.#used += 1;
    hashes[slot] = hash;
    this.#offsets[slot] = offset;
    this.#live += 1;
  }

  /** Room for as many again as are live, removed slots dropped: a table a quarter full at most. */
  #rehash(): void {
    const hashes = this.#hashes;
    const offsets = this.#offsets;
    let capacity = MIN_CAPACITY;
    while (capacity < (this.#live + 1) * 4) capacity *= 2;
    this.#hashes = new Int32Array(capacity).fill(EMPTY);
    this.#offsets = new Float64Array(capacity);
    this.#live = 0;
    this.#used = 0;
    for (let slot = 0; slot < hashes.length; slot += 1) {
      const hash = hashes[slot] as number;
      if (hash >= 0) this.#insert(hash, offsets[slot] as number);
    }
  }
}

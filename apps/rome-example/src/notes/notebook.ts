/** One note of the notebook. */
export interface Note {
  id: string;
  title: string;
  body: string;
  tags: string[];
  createdAt: string;
}

/** A deletion the guardian has been asked to approve. */
export interface DeletionRequest {
  approvalId: string;
  noteId: string;
}

export interface NotebookOptions {
  /** The clock, injected so tests control `createdAt`. */
  now?: () => Date;
}

/**
 * The example app's state: notes and the deletions waiting for approval, in memory. It lives as long
 * as the plugin instance (the gateway process), which is all an example needs.
 */
export class Notebook {
  readonly #notes = new Map<string, Note>();
  readonly #deletions = new Map<string, DeletionRequest>();
  readonly #now: () => Date;
  #noteCount = 0;
  #approvalCount = 0;

  constructor(options: NotebookOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  get(id: string): Note | undefined {
    return this.#notes.get(id);
  }

  findByTitle(title: string): Note | undefined {
    const wanted = title.trim().toLowerCase();
    return [...this.#notes.values()].find((note) => note.title.toLowerCase() === wanted);
  }

  withTag(tag: string): Note[] {
    return [...this.#notes.values()].filter((note) => note.tags.includes(tag));
  }

  add(fields: Pick<Note, "title" | "body" | "tags">): Note {
    this.#noteCount += 1;
    const note: Note = { id: `note-${this.#noteCount}`, ...fields, title: fields.title.trim(), createdAt: this.#now().toISOString() };
    this.#notes.set(note.id, note);
    return note;
  }

  /** Records a deletion request, or returns the one already waiting for this note. */
  requestDeletion(noteId: string): DeletionRequest {
    const waiting = [...this.#deletions.values()].find((request) => request.noteId === noteId);
    if (waiting) return waiting;
    this.#approvalCount += 1;
    const request = { approvalId: `approval-${this.#approvalCount}`, noteId };
    this.#deletions.set(request.approvalId, request);
    return request;
  }

  pendingDeletions(): DeletionRequest[] {
    return [...this.#deletions.values()];
  }
}

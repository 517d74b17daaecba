import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { stateTone } from '../core/model/stateTone.js';

/** A state in the CLI's colours (core's stateTone), with its name as text: colour is never the only cue. */
export function State({ state }: { state: string }) {
  return <span class={`state tone-${stateTone(state)}`}>{state}</span>;
}

export function ErrorBanner({ error }: { error: Error | undefined }) {
  return error ? <div class="banner error" role="alert">{error.message}</div> : null;
}

export function Loading() {
  return <p class="muted" aria-busy="true">Loading…</p>;
}

/** A time as the reader's locale shows it, and how long ago. */
export function When({ ms }: { ms: number | null | undefined }) {
  if (ms === null || ms === undefined) return <span class="muted">never</span>;
  const seconds = Math.round((Date.now() - ms) / 1000);
  const ago = seconds < 60 ? `${Math.max(0, seconds)} s ago` : seconds < 3600 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
  return <time dateTime={new Date(ms).toISOString()} title={new Date(ms).toLocaleString()}>{ago}</time>;
}

/**
 * A confirmation in a modal <dialog> (focus kept inside, Escape cancels): every action that changes
 * the cluster asks first.
 */
export function Confirm({ message, confirmLabel, onConfirm, onCancel }: {
  message: ComponentChildren; confirmLabel: string; onConfirm: () => void; onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
    return () => dialog.current?.close();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); onCancel(); }}>
      <p id="confirm-title">{message}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={onConfirm}>{confirmLabel}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </dialog>
  );
}

/** Previous/next over pages of `size`, with where the reader is. */
export function Pager({ page, size, total, onPage, label }: { page: number; size: number; total: number; onPage: (page: number) => void; label: string }) {
  if (total <= size) return null;
  const last = Math.ceil(total / size) - 1;
  return (
    <nav class="pager" aria-label={`${label} pages`}>
      <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)}>Previous</button>
      <span>{page * size + 1}–{Math.min(total, (page + 1) * size)} of {total}</span>
      <button type="button" disabled={page >= last} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}

/**
 * A search box that `/` focuses from anywhere on the page (as GitHub's and many tools'), labelled
 * for screen readers.
 */
export function SearchBox({ value, onInput, label, placeholder }: { value: string; onInput: (value: string) => void; label: string; placeholder: string }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.current?.focus(); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <label>
      <span class="sr-only">{label}</span>
      <input ref={input} type="search" value={value} placeholder={`${placeholder}  (press /)`} aria-label={label}
        onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
    </label>
  );
}

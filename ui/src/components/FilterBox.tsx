import { useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { applySuggestion, suggest, type Suggestion, type Vocabulary } from "../lib/filterSuggest";
import { FilterSyntaxHelp } from "./FilterSyntaxHelp";

interface Props {
  value: string;
  onChange: (value: string) => void;
  vocabulary: Vocabulary;
  label: string;
  placeholder?: string;
}

/**
 * A filter input that suggests fields, operators and values at the caret (up, down, Enter,
 * Escape), with a "?" popover listing the syntax. Enter with no suggestion chosen submits the form.
 */
export function FilterBox({ value, onChange, vocabulary, label, placeholder }: Props) {
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [caret, setCaret] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [help, setHelp] = useState(false);
  const pendingCaret = useRef<number | null>(null);

  const completion = useMemo(() => (open ? suggest(value, caret, vocabulary) : null), [open, value, caret, vocabulary]);
  const items = completion?.items ?? [];
  const showing = items.length > 0;

  // After a choice the parent renders the new text; then the caret goes after the inserted part.
  useLayoutEffect(() => {
    const at = pendingCaret.current;
    if (at === null || !input.current) return;
    pendingCaret.current = null;
    input.current.setSelectionRange(at, at);
    setCaret(at);
  }, [value]);

  const readCaret = () => setCaret(input.current?.selectionStart ?? value.length);

  const choose = (item: Suggestion) => {
    if (!completion) return;
    const next = applySuggestion(value, completion, item);
    pendingCaret.current = next.caret;
    setActive(-1);
    onChange(next.text);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) {
        readCaret();
        setOpen(true);
        return;
      }
      if (!showing) return;
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((current) => (current + step + items.length + (current < 0 && step < 0 ? 1 : 0)) % items.length);
    } else if (e.key === "Enter") {
      const item = showing && active >= 0 ? items[active] : undefined;
      if (item) {
        e.preventDefault();
        choose(item);
      } else {
        setOpen(false); // the form submits
      }
    } else if (e.key === "Escape") {
      if (showing) e.preventDefault();
      setOpen(false);
      setHelp(false);
    }
  };

  return (
    <div className="filter-box picker">
      <input
        ref={input}
        className="filter-input mono"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showing}
        aria-controls={listId}
        aria-activedescendant={showing && active >= 0 ? `${listId}-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          onChange(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setActive(-1);
          setOpen(true);
        }}
        onSelect={readCaret}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <button
        type="button"
        className="help-button"
        aria-label="Filter syntax help"
        title="Filter syntax"
        aria-expanded={help}
        onClick={() => setHelp(!help)}
      >
        ?
      </button>
      {showing ? (
        <ul className="suggestions" role="listbox" id={listId} aria-label="Suggestions">
          {items.map((item, index) => (
            <li
              key={`${item.detail}:${item.label}`}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? "active" : undefined}
              // Keep the focus in the input: choosing must not blur it (which closes the list).
              onMouseDown={(e) => {
                e.preventDefault();
                choose(item);
              }}
              onMouseEnter={() => setActive(index)}
            >
              <span className="mono">{item.label}</span>
              <span className="muted">{item.detail}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {help ? (
        <FilterSyntaxHelp
          onClose={() => setHelp(false)}
          onExample={(example) => {
            setHelp(false);
            pendingCaret.current = example.length;
            onChange(example);
            input.current?.focus();
          }}
        />
      ) : null}
    </div>
  );
}

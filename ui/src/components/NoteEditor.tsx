import { useEffect, useState } from "react";
import { ErrorMessage } from "./ErrorMessage";

interface Props {
  note: string;
  onSave: (text: string) => Promise<unknown>;
  onSaved: () => void;
}

/** The run description (tag mlflow.note.content), shown as text and edited in place. */
export function NoteEditor({ note, onSave, onSaved }: Props) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(note);
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!editing) setText(note);
  }, [note, editing]);

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await onSave(text);
      setEditing(false);
      onSaved();
    } catch (exc) {
      setError(exc);
    } finally {
      setSaving(false);
    }
  };

  if (!editing) {
    return (
      <div className="note">
        {note ? <p className="note-text" data-testid="note-text">{note}</p> : <p className="muted">No description.</p>}
        <button type="button" onClick={() => setEditing(true)}>
          Edit description
        </button>
      </div>
    );
  }
  return (
    <div className="note">
      <textarea aria-label="Description" rows={5} value={text} onChange={(e) => setText(e.target.value)} autoFocus />
      <div className="inline-form">
        <button type="button" className="primary" disabled={saving} onClick={() => void save()}>
          Save
        </button>
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={error} />
    </div>
  );
}

import { useState, type FormEvent } from "react";
import {
  grantPermission,
  isResourceType,
  listGrants,
  PERMISSIONS,
  revokePermission,
  type Permission,
  type ResourceType,
} from "../api/users";
import { useAsync } from "../lib/useAsync";
import { ErrorMessage } from "./ErrorMessage";

const RESOURCE_LABELS: Record<ResourceType, string> = {
  experiment: "Experiment",
  registered_model: "Registered model",
};

/** One user's grants on experiments and registered models, with grant and revoke. */
export function UserGrants({ username }: { username: string }) {
  const grants = useAsync(() => listGrants(username), [username]);
  const [resourceType, setResourceType] = useState<ResourceType>("experiment");
  const [resourceId, setResourceId] = useState("");
  const [permission, setPermission] = useState<Permission>("READ");
  const [error, setError] = useState<unknown>(undefined);

  const act = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError(undefined);
    try {
      await action();
      return true;
    } catch (exc) {
      setError(exc);
      return false;
    } finally {
      grants.reload();
    }
  };
  const grant = (event: FormEvent) => {
    event.preventDefault();
    void act(() => grantPermission(username, resourceType, resourceId.trim(), permission)).then((ok) => {
      if (ok) setResourceId("");
    });
  };
  const list = grants.data ?? [];

  return (
    <section aria-label={`Permissions of ${username}`}>
      <h2>Permissions of {username}</h2>
      <form className="toolbar" onSubmit={grant}>
        <select
          aria-label="Resource type"
          value={resourceType}
          onChange={(e) => setResourceType(e.target.value as ResourceType)}
        >
          <option value="experiment">Experiment (id)</option>
          <option value="registered_model">Registered model (name)</option>
        </select>
        <input
          aria-label={resourceType === "experiment" ? "Experiment id" : "Model name"}
          placeholder={resourceType === "experiment" ? "Experiment id, such as 1" : "Registered model name"}
          value={resourceId}
          onChange={(e) => setResourceId(e.target.value)}
          required
        />
        <select aria-label="Permission" value={permission} onChange={(e) => setPermission(e.target.value as Permission)}>
          {PERMISSIONS.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={!resourceId.trim()}>
          Grant
        </button>
      </form>
      <ErrorMessage error={grants.error ?? error} />
      <table className="grid" aria-label="Permissions">
        <thead>
          <tr>
            <th>Resource type</th>
            <th>Resource</th>
            <th>Permission</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {list.map((row) => {
            const type = row.resource_type;
            return (
              <tr key={`${type}/${row.resource_pattern}`}>
                <td>{isResourceType(type) ? RESOURCE_LABELS[type] : type}</td>
                <td className="mono">{row.resource_pattern}</td>
                <td>{row.permission}</td>
                <td className="actions">
                  {isResourceType(type) ? (
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${row.permission} on ${row.resource_pattern}`}
                      onClick={() => {
                        const what = `${RESOURCE_LABELS[type].toLowerCase()} ${row.resource_pattern}`;
                        if (window.confirm(`Revoke ${username}'s ${row.permission} on ${what}?`)) {
                          void act(() => revokePermission(username, type, row.resource_pattern));
                        }
                      }}
                    >
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {grants.data && list.length === 0 ? (
        <p className="empty muted">No grants: {username} has the server's default permission everywhere.</p>
      ) : null}
    </section>
  );
}

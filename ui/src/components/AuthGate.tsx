import { createContext, Fragment, useContext, useEffect, useState, type ReactNode } from "react";
import { authStatus, signOut, type AuthUser } from "../api/auth";
import { onUnauthenticated, setCsrfToken } from "../api/client";
import { SignInPage } from "../pages/SignInPage";

interface Auth {
  /** The signed-in user; null when the server runs without auth. */
  user: AuthUser | null;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<Auth>({ user: null, signOut: async () => {} });

export function useAuth(): Auth {
  return useContext(AuthContext);
}

type State = { phase: "checking" } | { phase: "signed-out" } | { phase: "in"; user: AuthUser | null };

/** Shows the sign-in form until the server accepts the browser, and again whenever it answers
 * 401 (the sign-in expired, or the password changed). */
export function AuthGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ phase: "checking" });
  // Bumped at each sign-in so every page mounts afresh and loads its data as the new user.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    onUnauthenticated(() => setState({ phase: "signed-out" }));
    authStatus().then(
      (status) => {
        if (status === "signed-out") setState({ phase: "signed-out" });
        else setState({ phase: "in", user: status === "open" ? null : status });
      },
      // Any other failure: show the app, whose pages report their own errors.
      () => setState({ phase: "in", user: null }),
    );
    return () => onUnauthenticated(null);
  }, []);

  if (state.phase === "checking") return <div className="page">Loading…</div>;
  if (state.phase === "signed-out") {
    return (
      <SignInPage
        onSignedIn={(user) => {
          setState({ phase: "in", user });
          setGeneration((g) => g + 1);
        }}
      />
    );
  }
  const auth: Auth = {
    user: state.user,
    signOut: async () => {
      try {
        await signOut();
      } catch {
        // The server could not be reached: the cookie may survive until it expires, but this
        // page forgets the sign-in (and its CSRF token) all the same.
        setCsrfToken(null);
      }
      setState({ phase: "signed-out" });
    },
  };
  return (
    <AuthContext.Provider value={auth}>
      <Fragment key={generation}>{children}</Fragment>
    </AuthContext.Provider>
  );
}

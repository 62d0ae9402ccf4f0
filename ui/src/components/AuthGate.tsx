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

/** Shows the sign-in form when the server refuses the browser (401: never signed in, the
 * sign-in expired, or the password changed), and the app otherwise. */
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

  // While the status call is out the pages already load (most servers run without auth, and
  // a signed-out browser's first API call answers 401, which shows the form); reads need no
  // CSRF token, and the status call brings it before anyone can press a button that writes.
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
    user: state.phase === "in" ? state.user : null,
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

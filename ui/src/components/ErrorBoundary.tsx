import { Component, type ErrorInfo, type ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";

interface State {
  error: unknown;
}

/** A page that throws while rendering shows the error instead of a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined) {
      this.setState({ error: undefined });
    }
  }

  componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("page failed to render", error, info.componentStack);
  }

  render(): ReactNode {
    if (this.state.error !== undefined) {
      return <ErrorMessage title="This page failed to render" error={this.state.error} />;
    }
    return this.props.children;
  }
}

import { Component, type ReactNode } from 'react';
import { Alert, Button, Stack } from '@mantine/core';

/**
 * A screen that fails to render shows what went wrong and a way on, never a blank page; the
 * rest of the console (header, sections) keeps working. Reset when the URL changes.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error?: Error }> {
  state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) { return { error }; }
  componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: undefined });
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Alert color="red" title="This screen could not be shown" role="alert">
        <Stack gap="sm" align="flex-start">
          {this.state.error.message}
          <Button size="compact-sm" variant="default" onClick={() => this.setState({ error: undefined })}>Try again</Button>
        </Stack>
      </Alert>
    );
  }
}

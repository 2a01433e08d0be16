import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { DEFAULT_THEME, Loader, MantineProvider, Modal, Notification, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { SessionProvider } from './session';
import { Routes } from './routes';
import { ApiError } from './api';

const theme = createTheme({
  primaryColor: 'indigo', defaultRadius: 'md',
  respectReducedMotion: true, // no transitions for people who ask their system for less motion
  // Icon-only close buttons get a name screen readers can say; a spinner is a status, so the
  // "Loading" it is labelled with is allowed on it (aria-label on a bare span is not) and is read out.
  components: {
    Loader: Loader.extend({ defaultProps: { role: 'status' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } }),
  },
});

// WCAG AA contrast (4.5:1) for text on colour, which Mantine's default shades miss (gray 6 dimmed
// text, white on indigo 6 or green 6, coloured text on light badges): in the light scheme, filled
// surfaces, outlines, light-variant text and fields' error messages take shade 9; dimmed text takes gray 7.
const shade9 = Object.fromEntries(Object.keys(DEFAULT_THEME.colors).flatMap((c) => [
  [`--mantine-color-${c}-filled`, `var(--mantine-color-${c}-9)`],
  [`--mantine-color-${c}-filled-hover`, `var(--mantine-color-${c}-8)`],
  [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`],
  [`--mantine-color-${c}-outline`, `var(--mantine-color-${c}-9)`],
]));
const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: { ...shade9, '--mantine-color-error': 'var(--mantine-color-red-9)', '--mantine-color-dimmed': 'var(--mantine-color-gray-7)', '--mantine-color-anchor': 'var(--mantine-color-indigo-9)', '--mantine-primary-color-filled': 'var(--mantine-color-indigo-9)', '--mantine-primary-color-light-color': 'var(--mantine-color-indigo-9)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // Live data comes from subscriptions; queries refetch when the user comes back to the tab.
      staleTime: 5_000,
      retry: (n, err) => n < 2 && !(err instanceof ApiError && err.code !== 'UNREACHABLE'),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={contrast}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queries}>
        <BrowserRouter>
          <SessionProvider>
            <Routes />
          </SessionProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);

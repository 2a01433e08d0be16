import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { SessionProvider } from './session';
import { Routes } from './routes';
import { ApiError } from './api';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'md' });

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // Live data comes from subscriptions; queries refetch when the user comes back to the tab.
      staleTime: 5_000,
      retry: (n, err) => n < 2 && !(err instanceof ApiError && err.code !== 'NETWORK'),
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
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
